#!/usr/bin/env bash
# Integration: the client on real pseudo-terminals. The daemon runs as root in a
# 3-router namespace network, the client as `nobody` under tmux (what a screen
# shows: the live table, Ctrl-C typed at it) and under script(1) (the exact
# bytes: escapes or none, exit statuses).
#   client_tty_test.sh BIN_DIR
# Exit 77 (ctest: skipped) without root, network namespaces, tmux or script.
# Packets go only to documentation addresses inside the namespaces made here.
set -uo pipefail

bin_dir=${1:?usage: $0 BIN_DIR}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/../testutils/harness.sh
source "$here/../testutils/harness.sh"
topology=$here/../testutils/topology.sh
checker=$here/../testutils/check_trace.py
py=/usr/bin/python3  # not `python3`: on some hosts that is a shim only root may run

require_root_and_netns
for tool in tmux script; do
  command -v "$tool" >/dev/null || { echo "skipped: needs $tool (scripts/deps installs it)"; exit 77; }
done

prefix="ct$(( $$ % 10000 ))"
make_work ct
tmux_=(tmux -S "$work/tmux.sock" -f "$work/tmux.conf")

cleanup() {
  "${tmux_[@]}" kill-server 2>/dev/null
  clean_up_suite
}
trap cleanup EXIT

mkdir -m 0777 "$work/out"  # written by the client's wrapper as nobody (pid files)
client=("$work/datadog-traceroute" --socket "$socket")

# The client as nobody with no capabilities, inside the client namespace.
# Leading VAR=value words go to env(1); PIDFILE=... records the pid, which
# stays the client's through every exec.
cat >"$work/as_nobody" <<EOF
#!/bin/bash
[[ -n \${PIDFILE:-} ]] && echo \$\$ >"\$PIDFILE"
exec ip netns exec ${prefix}c setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \\
  --bounding-set=-all --no-new-privs /usr/bin/env "\$@"
EOF
chmod 755 "$work/as_nobody"

# A quiet tmux: no status line, so the pane is the whole 120 x 40 screen.
printf 'set -g status off\n' >"$work/tmux.conf"

"$topology" up "$prefix" --routers 3
read -r -a hops <<<"$("$topology" hops "$prefix" --routers 3 | tr '\n' ' ')"
routers=("${hops[@]:0:3}")

cat >"$work/daemon.json" <<EOF
{"audit_log": "$work/audit.log", "roles": {"user": {"rate_per_minute": 100000, "burst": 100000}}}
EOF

# --user root: uid 0 with CAP_NET_RAW alone whether or not the package's user exists here
check "daemon starts as root in the namespace network" start_daemon "$socket" --user root --config "$work/daemon.json"

# Fake DNS on the client namespace's loopback (its resolv.conf points there).
ip netns exec "${prefix}c" "$py" "$here/../testutils/fake_dns.py" 127.0.0.1 53 \
  "${hops[0]}=r1.example." "${hops[1]}=r2.example." "${hops[3]}=dst.example." >"$work/dns.log" 2>&1 &
wait_udp_port "${prefix}c" 53

contains_all() {  # contains_all FILE WORD...: every word occurs in FILE
  local file=$1 word; shift
  for word in "$@"; do grep -qF -- "$word" "$file" || { echo "  (missing '$word' in $file)"; return 1; }; done
}
no_sgr() { ! grep -qaP '\x1b\[[0-9;]*m' "$1"; }  # no colour (SGR) sequences
no_escape() { ! grep -qaP '\x1b' "$1"; }
has_cursor_up() { grep -qaP '\r\x1b\[[0-9]+A' "$1"; }
count() { grep -caF -- "$2" "$1"; }
has_rows() {  # has_rows FILE ADDRESS...: a table row "  TTL  ADDRESS ..." for each, at TTL 1, 2, ...
  local file=$1 ttl=0 address; shift
  for address in "$@"; do
    ttl=$(( ttl + 1 ))
    grep -qE "^ +$ttl  ${address//./\\.} " "$file" || { echo "  (no row for TTL $ttl $address in $file)"; return 1; }
  done
}

# --- tmux: a screen of 120 x 40 -------------------------------------------------------
pane() {  # pane NAME: the screen as text (-e: with colours as escapes)
  "${tmux_[@]}" capture-pane -p "${@:2}" -t "$1" >"$work/$1.screen.tmp" 2>/dev/null && \
    mv "$work/$1.screen.tmp" "$work/$1.screen"
}
start_pane() {  # start_pane NAME ARGS...: the client in a new 120x40 session; status to out/NAME.rc
  local name=$1; shift
  local words="" w
  for w in "$@"; do words+=" $(printf '%q' "$w")"; done
  # bash, not exec: it waits for the client and records its status (after a
  # Ctrl-C it carries on, because the client exits 130 instead of dying of
  # SIGINT), then keeps the pane alive: tmux shifts a dead pane's screen.
  "${tmux_[@]}" new-session -d -s "$name" -x 120 -y 40 \
    "/bin/bash -c 'PIDFILE=$work/out/$name.pid $work/as_nobody TERM=xterm-256color$words; echo \$? >$work/$name.rc; exec sleep 600'"
}
wait_for_file() { local _; for _ in $(seq "${2:-200}"); do [[ -s $1 ]] && return 0; sleep 0.1; done; return 1; }

# 1. The live table fills in while the e2e probes run (20 probes 250 ms apart:
# about 5 s), then the final table replaces it, with the rDNS names.
start_pane live "${client[@]}" --proto icmp -q 3 -Q 20 --timeout 500 -m 10 --reverse-dns 203.0.113.5
seen_live=""
for _ in $(seq 100); do
  pane live
  [[ -f $work/live.first ]] || ! grep -qE '^ +1  ' "$work/live.screen" || cp "$work/live.screen" "$work/live.first"
  if has_rows "$work/live.screen" "${hops[@]}" >/dev/null && grep -qE 'e2e probes: ([0-9]|1[0-9])/20 done' "$work/live.screen"; then
    seen_live=yes
    cp "$work/live.screen" "$work/live.snapshot"
    break
  fi
  sleep 0.1
done
check "the live table shows every hop while e2e probes are still running" test -n "$seen_live"
[[ -f $work/live.first ]] && { echo "--- the first frame with a hop"; sed '/^$/d' "$work/live.first"; }
[[ -n $seen_live ]] && { echo "--- a live frame with every hop"; sed '/^$/d' "$work/live.snapshot"; }
check "... the trace ends with status 0" wait_for_file "$work/live.rc" 200
check "... status 0" test "$(cat "$work/live.rc" 2>/dev/null)" = 0
pane live
check "... the final screen holds one table, drawn in place" test "$(count "$work/live.screen" 'TTL  Address')" = 1
check "... with one title line" test "$(count "$work/live.screen" 'datadog-traceroute to 203.0.113.5')" = 1
check "... a row for every hop, at its TTL" has_rows "$work/live.screen" "${hops[@]}"
check "... the reverse DNS names from the result" contains_all "$work/live.screen" rDNS r1.example r2.example dst.example
check "... the e2e summary" grep -qE 'e2e probes: 20 sent, [0-9]+ received' "$work/live.screen"
check "... a loss column, 0% on every hop" test "$(grep -cE '^ +[1-4] .* 0%$' "$work/live.screen")" = 4
pane live -e
check "... in colour on a terminal (the destination in green)" grep -qaF $'\e[32m203.0.113.5' "$work/live.screen"
echo "--- the final screen"; sed '/^$/d' "$work/live.screen" | sed 's/\x1b\[[0-9;]*m//g'

# 2. Ctrl-C typed at the terminal, mid-trace: 203.0.113.66 is filtered, so the
# trace would run into its timeouts; the routers have answered by then.
cancelled_before=$(grep -c 'trace cancelled: uid=65534' "$work/daemon.log")
start_pane ctrlc "${client[@]}" --proto icmp -q 2 -Q 5 --timeout 3000 -m 8 203.0.113.66
for _ in $(seq 100); do
  pane ctrlc
  has_rows "$work/ctrlc.screen" "${routers[@]}" >/dev/null && break
  sleep 0.1
done
check "the routers on the way to a filtered target appear" has_rows "$work/ctrlc.screen" "${routers[@]}"
"${tmux_[@]}" send-keys -t ctrlc C-c
check "... Ctrl-C ends the client" wait_for_file "$work/ctrlc.rc" 50
check "... with status 130" test "$(cat "$work/ctrlc.rc" 2>/dev/null)" = 130
pane ctrlc
check "... leaving the partial table with the routers" has_rows "$work/ctrlc.screen" "${routers[@]}"
check "... and saying the trace was cancelled" grep -qF 'Interrupted: the trace was cancelled in the daemon' "$work/ctrlc.screen"
check "... one table on the screen" test "$(count "$work/ctrlc.screen" 'TTL  Address')" = 1
echo "--- after Ctrl-C"; sed '/^$/d' "$work/ctrlc.screen"
ctrlc_pid=$(cat "$work/out/ctrlc.pid" 2>/dev/null)
for _ in $(seq 20); do grep -q "trace cancelled: uid=65534 pid=$ctrlc_pid " "$work/daemon.log" && break; sleep 0.1; done
check "... the daemon logged 'trace cancelled' for that client" grep -q "trace cancelled: uid=65534 pid=$ctrlc_pid " "$work/daemon.log"
check "... and audited it as cancelled" grep -q "\"pid\":$ctrlc_pid,.*\"outcome\":\"cancelled\"" "$work/audit.log"

# --- script(1): the bytes -------------------------------------------------------------
on_pty() {  # on_pty NAME SHELL-WORDS...: run on a fresh pty; output to NAME.pty, status to NAME.rc
  local name=$1; shift
  script -qfec "$*" /dev/null >"$work/$name.pty" 2>"$work/$name.script-err" </dev/null
  echo $? >"$work/$name.rc"
}
short=(--proto icmp -q 2 -Q 2 --timeout 500 203.0.113.5)
q() { printf '%q ' "$@"; }

# 3. Colours: on by default, off with NO_COLOR or --no-color; the live redraw stays.
on_pty colour "$(q "$work/as_nobody" TERM=xterm "${client[@]}" "${short[@]}")"
check "table on a pty: status 0" test "$(cat "$work/colour.rc")" = 0
check "... colour sequences by default" grep -qaP '\x1b\[[0-9;]*m' "$work/colour.pty"
check "... redrawn in place (cursor up)" has_cursor_up "$work/colour.pty"
on_pty nocolor_env "$(q "$work/as_nobody" TERM=xterm NO_COLOR=1 "${client[@]}" "${short[@]}")"
check "NO_COLOR=1: status 0" test "$(cat "$work/nocolor_env.rc")" = 0
check "... no colour sequence at all" no_sgr "$work/nocolor_env.pty"
check "... still the live table with every hop" contains_all "$work/nocolor_env.pty" 'TTL  Address' "${hops[@]}"
on_pty nocolor_flag "$(q "$work/as_nobody" TERM=xterm "${client[@]}" --no-color "${short[@]}")"
check "--no-color: no colour sequence at all" no_sgr "$work/nocolor_flag.pty"
check "... still the table" contains_all "$work/nocolor_flag.pty" 'TTL  Address' "${hops[@]}"
on_pty dumb "$(q "$work/as_nobody" TERM=dumb NO_COLOR=1 "${client[@]}" "${short[@]}")"
check "TERM=dumb and NO_COLOR: no escape sequence of any kind" no_escape "$work/dumb.pty"
check "... and the final table" contains_all "$work/dumb.pty" 'TTL  Address' "${hops[@]}"

# 4. --format text on a pty: exactly the classic listing, no escapes, no hop lines.
on_pty text "$(q "$work/as_nobody" TERM=xterm "${client[@]}" --format text "${short[@]}")"
check "--format text: status 0" test "$(cat "$work/text.rc")" = 0
check "... no escape sequence" no_escape "$work/text.pty"
tr -d '\r' <"$work/text.pty" >"$work/text.out"
check_text() {
  "$py" - "$work/text.out" "${hops[@]}" <<'EOF'
import re, sys
lines = open(sys.argv[1]).read().split("\n")
hops = sys.argv[2:]
assert lines[-1] == "", "ends with a newline"
lines = lines[:-1]
want = [re.escape("traceroute to 203.0.113.5 (203.0.113.5), 30 hops max, icmp, 2 runs")]
for ttl, hop in enumerate(hops, 1):
    want.append(r" %d  %s  \d+\.\d{3} ms  \d+\.\d{3} ms" % (ttl, re.escape(hop)))
want.append(r"e2e probes: 2 sent, 2 received, 0% loss, rtt min/avg/max [\d.]+/[\d.]+/[\d.]+ ms, jitter [\d.]+ ms")
assert len(lines) == len(want), "%d lines, want %d: %r" % (len(lines), len(want), lines)
for line, pattern in zip(lines, want):
    assert re.fullmatch(pattern, line), "%r does not match %r" % (line, pattern)
EOF
}
check "... one heading, one line per hop with both runs' RTTs, the e2e summary" check_text
cat "$work/text.out"

# 5. --format json on a pty: the Go document, unchanged (stderr to a file: not a terminal, so quiet).
on_pty json "$(q "$work/as_nobody" "${client[@]}" --format json "${short[@]}") 2>$(q "$work/json.err")"
check "--format json on a pty: status 0" test "$(cat "$work/json.rc")" = 0
tr -d '\r' <"$work/json.pty" >"$work/json.out"
judge() {  # judge FILE CHECKER-ARGS...
  local out rc
  out=$("$py" "$checker" "$@" 2>&1); rc=$?
  echo "$out" | sed 's/^/  /'
  (( rc == 0 ))
}
check "... the document passes the trace checker" judge "$work/json.out" --label json --hops "${hops[*]}" --runs 2 --e2e 2
check "... nothing on a stderr that is not a terminal" test ! -s "$work/json.err"
# ... and the default with stdout redirected: json, with today's hop lines on the terminal's stderr.
on_pty json_default "$(q "$work/as_nobody" "${client[@]}" "${short[@]}") >$(q "$work/out/json_default.json")"
check "stdout redirected: status 0" test "$(cat "$work/json_default.rc")" = 0
check "... json by default" judge "$work/out/json_default.json" --label json-default --hops "${hops[*]}" --runs 2 --e2e 2
check "... hop lines on the terminal (stderr)" grep -qE "run [12]  ttl   4  203\.0\.113\.5 .* \(destination\)" "$work/json_default.pty"
check "... without escapes" no_escape "$work/json_default.pty"

# 6. SIGINT to the client itself, json: no document, a note with the hops learned, status 130.
PIDFILE=$work/out/sigint.pid script -qfec "$(q "$work/as_nobody" "${client[@]}" --proto icmp -q 1 -Q 3 --timeout 3000 -m 8 203.0.113.66) >$(q "$work/out/sigint.json")" \
  /dev/null >"$work/sigint.pty" 2>&1 </dev/null &
script_pid=$!
wait_for_file "$work/out/sigint.pid" 50
sigint_pid=$(cat "$work/out/sigint.pid" 2>/dev/null)
for _ in $(seq 100); do contains_all "$work/sigint.pty" "${routers[@]}" >/dev/null && break; sleep 0.1; done
check "json to a filtered target: the routers' hop lines arrive" contains_all "$work/sigint.pty" "${routers[@]}"
[[ -n $sigint_pid ]] && kill -INT "$sigint_pid"
wait "$script_pid"
check "... SIGINT: status 130" test $? = 130
check "... no JSON document on stdout" test ! -s "$work/out/sigint.json"
check "... the note and the hops learned on stderr" contains_all "$work/sigint.pty" \
  'Interrupted: the trace was cancelled in the daemon; no JSON document was printed. Hops learned so far:' \
  " 1  ${routers[0]}  " " 3  ${routers[2]}  "
for _ in $(seq 20); do grep -q "trace cancelled: uid=65534 pid=$sigint_pid " "$work/daemon.log" && break; sleep 0.1; done
check "... the daemon logged 'trace cancelled' for it" grep -q "trace cancelled: uid=65534 pid=$sigint_pid " "$work/daemon.log"
check "every cancellation above reached the daemon" \
  test "$(grep -c 'trace cancelled: uid=65534' "$work/daemon.log")" = $(( cancelled_before + 2 ))

if (( failed > 0 )); then echo "--- daemon log"; tail -50 "$work/daemon.log"; fi
finish_checks
