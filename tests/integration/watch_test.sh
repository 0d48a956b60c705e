#!/usr/bin/env bash
# Integration: the client's mtr mode (--watch, --report-cycles) on the namespace
# network. The daemon runs as root, the client as `nobody` with no capabilities.
#   watch_test.sh BIN_DIR
# 1. --report-cycles 10 through a lossy router (30 %) and a silent one: loss
#    per TTL within binomial bounds past the lossy router, 0 % before it,
#    100 % at the silent one; the table and the JSON report agree.
# 2. ECMP: both branches as rows at the split TTL (UDP: each run and round
#    has its own source port, so flows vary; ICMP: one branch, see below);
#    --format jsonl: one Go document per round, each judged hop by hop.
# 3. The screen under tmux: rows, keys p (pause), r (reset), n (names), q
#    (exit 0, the final table), and Ctrl-C (exit 130).
# 4. The daemon's rate limit reached mid-watch: the screen says so, the
#    rounds go on once tokens are back; --report-cycles counts the throttled tries.
# Exit 77 (ctest: skipped) without root, network namespaces or tmux.
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
command -v tmux >/dev/null || { echo "skipped: needs tmux (scripts/deps installs it)"; exit 77; }

prefix="wt$(( $$ % 10000 ))"
make_work wt
tmux_=(tmux -S "$work/tmux.sock" -f "$work/tmux.conf")

cleanup() {
  "${tmux_[@]}" kill-server 2>/dev/null
  clean_up_suite
}
trap cleanup EXIT

mkdir -m 0777 "$work/out"
client=("$work/datadog-traceroute" --socket "$socket")
printf 'set -g status off\n' >"$work/tmux.conf"

write_policy() {  # write_policy RATE_PER_MINUTE BURST
  cat >"$work/daemon.json" <<EOF
{"audit_log": "$work/audit.log",
 "roles": {"user": {"max_traceroute_queries": 100, "rate_per_minute": $1, "burst": $2}}}
EOF
}
restart_daemon() {  # the running one stopped, a new one on $work/daemon.json
  kill_daemon
  rm -f "$socket"
  start_daemon "$socket" --user root --config "$work/daemon.json"
}
run() {  # run NAME ARGS...: the client as nobody; stdout NAME.out, stderr NAME.err, status NAME.rc
  local name=$1; shift
  as_nobody "${client[@]}" "$@" >"$work/$name.out" 2>"$work/$name.err"
  echo $? >"$work/$name.rc"
}
status_is() { test "$(cat "$work/$1.rc" 2>/dev/null)" = "$2"; }

# --- 1. a lossy router (2, 30 %) and a silent one (4) -----------------------------------
loss=30
"$topology" up "$prefix" --routers 5 --lossy-hop 2 --loss-percent "$loss" --silent-hop 4
read -r -a hops <<<"$("$topology" hops "$prefix" --routers 5 | tr '\n' ' ')"
write_policy 100000 100000
check "daemon starts as root in the namespace network" restart_daemon

# Router 2 drops 30 % of what it forwards, both ways: a probe past it and the
# answer coming back each cross it once, so a hop past it answers with
# probability 0.7^2 and is lost with p = 0.51; hops 1 and 2 lose nothing.
cycles=10 runs=10
run lossy --proto icmp -q "$runs" --timeout 400 -m 10 --report-cycles "$cycles" --interval 0 --format json 203.0.113.5
check "--report-cycles $cycles --format json exits 0" status_is lossy 0
judge_loss() {
  "$py" - "$work/lossy.out" "$cycles" "$runs" "$loss" "${hops[@]}" <<'EOF'
import json, math, sys
doc = json.load(open(sys.argv[1]))
cycles, runs, loss = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]) / 100
hops = sys.argv[5:]  # routers 1..5, then the destination
bad = []
def want(cond, what):
    print(("ok - " if cond else "not ok - ") + what)
    if not cond: bad.append(what)
want(doc["rounds"] == cycles and doc["rounds_refused"] == 0 and doc["rounds_throttled"] == 0,
     f"{cycles} rounds, none refused or throttled")
want(doc["protocol"] == "icmp" and doc["destination"]["ip_address"] == "203.0.113.5", "protocol and destination")
rows = doc["hops"]
want([h["ttl"] for h in rows] == list(range(1, len(hops) + 1)), f"rows for TTL 1..{len(hops)}, none past the destination")
p = 1 - (1 - loss) ** 2
for h in rows:
    ttl, n = h["ttl"], h["sent"]
    want(n == cycles * runs, f"TTL {ttl}: {cycles * runs} probes sent ({n})")
    lost = n - h["received"]
    want(abs(h["loss_percent"] - 100 * lost / n) < 1e-9 if n else False, f"TTL {ttl}: loss % is lost/sent")
    addresses = [a["ip_address"] for a in h["addresses"]]
    if ttl <= 2:
        want(lost == 0, f"TTL {ttl}: 0 % loss before the lossy router ({h['loss_percent']:.1f} %)")
    elif ttl == 4:
        want(h["received"] == 0 and addresses == [], f"TTL 4 (silent router): 100 % loss ({h['loss_percent']:.1f} %)")
        continue
    else:
        # Binomial bounds: n*p +- 4.5 sigma (a false failure about once in 150 000 runs per hop).
        sigma = math.sqrt(n * p * (1 - p))
        lo, hi = n * p - 4.5 * sigma, n * p + 4.5 * sigma
        want(lo <= lost <= hi, f"TTL {ttl}: {lost}/{n} lost, within [{lo:.1f}, {hi:.1f}] for p = {p:.2f}")
    want(addresses == [hops[ttl - 1]], f"TTL {ttl}: one row, {hops[ttl - 1]} ({addresses})")
    a = h["addresses"][0]
    r = a["rtt"]
    want(a["received"] == h["received"] and 0 < r["min"] <= r["avg"] <= r["max"] < 400 and r["stddev"] >= 0
         and r["min"] <= r["last"] <= r["max"], f"TTL {ttl}: received, min <= avg <= max, stddev >= 0")
    want(a["is_destination"] == (ttl == len(hops)), f"TTL {ttl}: is_destination only at the destination")
sys.exit(1 if bad else 0)
EOF
}
out=$(judge_loss 2>&1); rc=$?
echo "$out"
passed=$(( passed + $(grep -c '^ok - ' <<<"$out") ))
failed=$(( failed + $(grep -c '^not ok - ' <<<"$out") ))
(( rc == 0 )) || { grep -q '^not ok - ' <<<"$out" || not_ok "the JSON report parses"; cat "$work/lossy.out"; }

# The same network, the table (mtr --report's): rows, '*' at the silent router.
run lossy_table --proto icmp -q 3 --timeout 400 -m 10 --report-cycles 3 --interval 0 203.0.113.5
check "--report-cycles 3 (table) exits 0" status_is lossy_table 0
check "... the title names the rounds and runs" \
  grep -qF "datadog-traceroute to 203.0.113.5: icmp, 3 rounds of 3 runs, RTT in ms" "$work/lossy_table.out"
check "... mtr's columns" grep -qE '^TTL  Address +Loss%  Snt  Rcv +Last +Avg +Best +Wrst +StDev$' "$work/lossy_table.out"
check "... routers 1 and 2 at 0.0 %, 9 sent, 9 received" \
  test "$(grep -cE "^  [12]  192\.0\.2\.(6|10) +0\.0%    9    9 " "$work/lossy_table.out")" = 2
check "... the silent router as '*' at 100 %" grep -qE '^  4  \* +100\.0%    9    0$' "$work/lossy_table.out"
check "... the destination last, at TTL 6" test "$(tail -1 "$work/lossy_table.out" | awk '{print $1, $2}')" = "6 203.0.113.5"
check "... no escape sequences (not a terminal)" bash -c "! grep -qaP '\\x1b' '$work/lossy_table.out'"
cat "$work/lossy_table.out"

# --- 2. ECMP at router 2 ------------------------------------------------------------------
"$topology" up "$prefix" --routers 4 --ecmp-hop 2
read -r -a hops <<<"$("$topology" hops "$prefix" --routers 4 | tr '\n' ' ')"
check "daemon restarts on the ECMP network" restart_daemon
both_branches() {  # both_branches FILE: TTL 2 and 3 each list the main and the twin address
  "$py" - "$1" <<'EOF'
import json, sys
rows = json.load(open(sys.argv[1]))["hops"]
want = {2: {"192.0.2.10", "198.51.100.10"}, 3: {"192.0.2.14", "198.51.100.14"}}
for ttl, addresses in want.items():
    got = {a["ip_address"] for a in rows[ttl - 1]["addresses"]}
    if got != addresses:
        print(f"  TTL {ttl}: {sorted(got)}, want {sorted(addresses)}")
        sys.exit(1)
    if sum(a["received"] for a in rows[ttl - 1]["addresses"]) != rows[ttl - 1]["received"]:
        print(f"  TTL {ttl}: the rows' received do not add up"); sys.exit(1)
EOF
}
# UDP: the daemon gives every run a source port of its own (a connected socket
# holds it), so each run and each round is a new flow for the L4 hash. With
# -q 1, 10 rounds are 10 flows: both branches unless all 10 hash alike (2^-9).
run ecmp_udp --proto udp -q 1 --timeout 500 -m 8 --report-cycles 10 --interval 0 --format json 203.0.113.5
check "ECMP, UDP, 10 rounds of 1 run: exits 0" status_is ecmp_udp 0
check "... both branches as rows at the split TTL and the next" both_branches "$work/ecmp_udp.out"
# ICMP: echo requests differ only in their id, and Linux's L4 multipath hash
# reads no ICMP field (no ports), so the branch may never change; whatever the
# kernel does, the rows must be branch addresses whose counts add up.
run ecmp_icmp --proto icmp -q 2 --timeout 500 -m 8 --report-cycles 5 --interval 0 --format json 203.0.113.5
check "ECMP, ICMP: exits 0" status_is ecmp_icmp 0
check "... TTL 2's rows are branch addresses, their counts adding up" "$py" -c '
import json, sys
rows = json.load(open(sys.argv[1]))["hops"]
got = [a["ip_address"] for a in rows[1]["addresses"]]
print("  ICMP rounds at TTL 2: %d branch(es): %s" % (len(got), " ".join(got)))
ok = set(got) <= {"192.0.2.10", "198.51.100.10"} and len(got) >= 1
ok = ok and sum(a["received"] for a in rows[1]["addresses"]) == rows[1]["received"] == 10
sys.exit(0 if ok else 1)' "$work/ecmp_icmp.out"

# --format jsonl: one Go document per round, as it completes; each judged.
run jsonl --proto udp -q 2 -Q 2 --timeout 500 -m 8 --report-cycles 3 --interval 0 --format jsonl 203.0.113.5
check "--format jsonl exits 0" status_is jsonl 0
check "... three lines" test "$(wc -l <"$work/jsonl.out")" = 3
for n in 1 2 3; do
  # The checker reads the CLI's layout (2-space indent, one newline), as in the batch suite.
  sed -n "${n}p" "$work/jsonl.out" | "$py" -c 'import json, sys; print(json.dumps(json.loads(sys.stdin.read()), indent=2))' \
    >"$work/jsonl$n.json"
  out=$("$py" "$checker" "$work/jsonl$n.json" --label "round$n" --hops "${hops[*]}" --runs 2 --e2e 2 --ecmp 2 \
        --protocol udp --run-port 33434 2>&1); rc=$?
  passed=$(( passed + $(grep -c '^ok - ' <<<"$out" || true) ))
  failed=$(( failed + $(grep -c '^not ok - ' <<<"$out" || true) ))
  (( rc == 0 )) || { echo "$out" | grep '^not ok'; grep -q '^not ok - ' <<<"$out" || not_ok "round $n document"; }
done
echo "ok - (jsonl: $(grep -c . "$work/jsonl.out") Go documents judged by check_trace.py; -Q 2 given, so e2e probes ran)"
run noe2e --proto udp -q 1 --timeout 500 -m 8 --report-cycles 1 --format jsonl 203.0.113.5
check "without -Q a round sends no e2e probe" "$py" -c '
import json, sys
sys.exit(0 if json.load(open(sys.argv[1]))["e2e_probe"]["packets_sent"] == 0 else 1)' "$work/noe2e.out"

# --- 3. the screen under tmux ---------------------------------------------------------
ip netns exec "${prefix}c" "$py" "$here/../testutils/fake_dns.py" 127.0.0.1 53 \
  "${hops[0]}=r1.example." "203.0.113.5=dst.example." >"$work/dns.log" 2>&1 &
wait_udp_port "${prefix}c" 53
cat >"$work/as_nobody" <<EOF
#!/bin/bash
[[ -n \${PIDFILE:-} ]] && echo \$\$ >"\$PIDFILE"
exec ip netns exec ${prefix}c setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \\
  --bounding-set=-all --no-new-privs /usr/bin/env "\$@"
EOF
chmod 755 "$work/as_nobody"
pane() {  # pane NAME: the screen as text
  "${tmux_[@]}" capture-pane -p -t "$1" >"$work/$1.screen.tmp" 2>/dev/null && mv "$work/$1.screen.tmp" "$work/$1.screen"
}
start_pane() {  # start_pane NAME ARGS...: the client in a new 120x40 session; status to NAME.rc
  local name=$1; shift
  local words="" w
  for w in "$@"; do words+=" $(printf '%q' "$w")"; done
  "${tmux_[@]}" new-session -d -s "$name" -x 120 -y 40 \
    "/bin/bash -c 'PIDFILE=$work/out/$name.pid $work/as_nobody TERM=xterm-256color$words; echo \$? >$work/$name.rc; exec sleep 600'"
}
wait_screen() {  # wait_screen NAME ERE [TRIES]: until the screen matches
  local _
  for _ in $(seq "${3:-100}"); do pane "$1"; grep -qE -- "$2" "$work/$1.screen" && return 0; sleep 0.1; done
  echo "  (no '$2' on the screen:)"; sed '/^$/d; s/^/  | /' "$work/$1.screen"; return 1
}
wait_for_file() { local _; for _ in $(seq "${2:-200}"); do [[ -s $1 ]] && return 0; sleep 0.1; done; return 1; }
rounds_shown() { grep -oE '[0-9]+ rounds? of' "$work/$1.screen" | head -1 | grep -oE '^[0-9]+'; }

watch_args=(--watch --proto udp -q 1 --timeout 500 -m 8 --interval 200ms --reverse-dns 203.0.113.5)
start_pane w "${client[@]}" "${watch_args[@]}"
check "--watch on a terminal: the screen with mtr's columns" wait_screen w 'TTL  Address +rDNS +Loss%  Snt  Rcv'
dest_ttl=${#hops[@]}  # 4 routers, the destination at TTL 5
check "... a row per hop, names from rDNS" wait_screen w "^  $dest_ttl  203\.0\.113\.5 +dst\.example "
check "... the first router named" grep -qE "^  1  192\.0\.2\.6 +r1\.example " "$work/w.screen"
check "... the status line and the keys" wait_screen w '^Keys: q quit  p pause/resume  r reset  n names on/off'
check "... rounds go on (5 or more)" wait_screen w '^datadog-traceroute to 203\.0\.113\.5: udp port 33434, ([5-9]|[1-9][0-9]+) rounds'
check "... drawn in place: one title on the screen" test "$(grep -c '^datadog-traceroute to' "$work/w.screen")" = 1
echo "--- the watch screen"; sed '/^$/d' "$work/w.screen"
cp "$work/w.screen" "$work/w.running"

"${tmux_[@]}" send-keys -t w p
check "p: the screen says paused" wait_screen w '^paused \(p resumes\)'
pane w; paused_at=$(rounds_shown w)
sleep 1
pane w
check "... no round starts while paused (1 s: still $paused_at rounds)" test "$(rounds_shown w)" = "$paused_at"
"${tmux_[@]}" send-keys -t w r
check "r (paused): the statistics are reset to 0 rounds" wait_screen w ': udp port 33434, 0 rounds of 1 run'
check "... no rows left" bash -c "! grep -qE '^  1  ' '$work/w.screen'"
"${tmux_[@]}" send-keys -t w n
"${tmux_[@]}" send-keys -t w p
check "p again: rounds resume" wait_screen w ', ([3-9]|[1-9][0-9]+) rounds of 1 run'
check "n: the rDNS column is gone" wait_screen w '^TTL  Address +Loss%  Snt'
check "... and no name in the rows" bash -c "! grep -q 'example' '$work/w.screen'"
"${tmux_[@]}" send-keys -t w n
check "n again: names are back" wait_screen w 'TTL  Address +rDNS +Loss%'
"${tmux_[@]}" send-keys -t w q
check "q: the client exits" wait_for_file "$work/w.rc" 50
check "... with status 0" status_is w 0
pane w
check "... the final table stays, drawn in place (one title)" test "$(grep -c '^datadog-traceroute to' "$work/w.screen")" = 1
check "... with every hop" wait_screen w "^  $dest_ttl  203\.0\.113\.5 "
check "... and no keys line" bash -c "! grep -q '^Keys:' '$work/w.screen'"
echo "--- after q"; sed '/^$/d' "$work/w.screen"

start_pane c "${client[@]}" "${watch_args[@]}"
check "Ctrl-C: a second watch runs" wait_screen c "^  $dest_ttl  203\.0\.113\.5 "
"${tmux_[@]}" send-keys -t c C-c
check "... Ctrl-C ends it" wait_for_file "$work/c.rc" 50
check "... with status 130" status_is c 130
check "... the final table stays" wait_screen c "^  $dest_ttl  203\.0\.113\.5 "
check "... without the keys line" bash -c "! grep -q '^Keys:' '$work/c.screen'"

# --- 4. the rate limit reached mid-watch -------------------------------------------------
# 120 traces a minute in bursts of 3: three rounds at once, then one every 0.5 s.
write_policy 120 3
check "daemon restarts with a small rate limit" restart_daemon
start_pane rl "${client[@]}" --watch --proto udp -q 1 --timeout 500 -m 8 --interval 0 203.0.113.5
check "--watch --interval 0 over the limit: the screen says it is throttled" \
  wait_screen rl "throttled by the daemon's rate limit, waiting [0-9.]+ s for the next token"
check "... and shows the daemon's refusal" grep -qF 'last refusal: QUOTA_EXCEEDED: rate limit:' "$work/rl.screen"
check "... the throttled tries are counted in the title" grep -qE 'rounds of 1 run, [0-9]+ throttled' "$work/rl.screen"
check "... and the rounds go on as tokens come back (6 or more)" wait_screen rl ', ([6-9]|[1-9][0-9]+) rounds of 1 run' 200
echo "--- throttled watch"; sed '/^$/d' "$work/rl.screen"
"${tmux_[@]}" send-keys -t rl q
check "... q: status 0" bash -c "for _ in \$(seq 50); do [[ -s '$work/rl.rc' ]] && break; sleep 0.1; done; test \"\$(cat '$work/rl.rc')\" = 0"
sleep 2  # the bucket refills (3 tokens in 1.5 s)
run rl_report --proto udp -q 1 --timeout 500 -m 8 --report-cycles 6 --interval 0 --format json 203.0.113.5
check "--report-cycles 6 over the limit: exits 0" status_is rl_report 0
check "... 6 rounds traced, the throttled tries counted apart" "$py" -c '
import json, sys
d = json.load(open(sys.argv[1]))
print("  rounds %d, throttled %d, refused %d" % (d["rounds"], d["rounds_throttled"], d["rounds_refused"]))
sys.exit(0 if d["rounds"] == 6 and d["rounds_throttled"] >= 1 and d["rounds_refused"] == 0 and d["hops"][0]["sent"] == 6 else 1)' \
  "$work/rl_report.out"
check "... the daemon audited every throttled try as refused" \
  test "$(grep -c '"verdict":"refused".*QUOTA_EXCEEDED' "$work/audit.log")" -ge 2

# --- errors ------------------------------------------------------------------------------
run badflag --watch --report-cycles 3 203.0.113.5
check "--watch with --report-cycles: exit 2" status_is badflag 2
as_nobody "$work/datadog-traceroute" --socket "$work/run/missing.sock" --report-cycles 2 203.0.113.5 \
  >"$work/nosock.out" 2>"$work/nosock.err"
echo $? >"$work/nosock.rc"
check "no daemon: exit 1" status_is nosock 1
check "... with DAEMON_UNAVAILABLE" grep -q 'DAEMON_UNAVAILABLE' "$work/nosock.err"

if (( failed > 0 )); then echo "--- daemon log"; tail -30 "$work/daemon.log"; fi
finish_checks
