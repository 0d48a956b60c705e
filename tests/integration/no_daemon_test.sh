#!/usr/bin/env bash
# Integration: the client with no daemon (issue 19, item 12). A caller holding
# CAP_NET_RAW runs the daemon's engine in its own process, as the Go tool does
# for root; an unprivileged caller gets DAEMON_UNAVAILABLE naming both ways out.
#   no_daemon_test.sh BIN_DIR
# 1. root, no socket: ICMP, UDP, TCP SYN traces, judged hop by hop; -v says where it ran
# 2. nobody with CAP_NET_RAW alone (setpriv ambient caps): the same traces
# 3. nobody with no capability: exit 1, DAEMON_UNAVAILABLE, both ways out, no raw
#    socket tried (strace); --no-daemon too
# 4. --no-daemon with a daemon running: the trace never reaches it (its log
#    has no request); without the flag it does
# 5. Ctrl-C (SIGINT) mid-trace: exit 130 in-process as through the daemon
# 6. batch and --report-cycles in-process
# 7. doctor names the mode: in-process, in-process (--no-daemon), daemon, none
# 8. the built client is a plain binary: no setuid bit, no file capabilities
# Exit 77 (ctest: skipped) without root or network namespaces.
# Packets go only to documentation addresses inside the namespaces made here.
set -uo pipefail

bin_dir=${1:?usage: $0 BIN_DIR}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/../testutils/harness.sh
source "$here/../testutils/harness.sh"
topology=$here/../testutils/topology.sh
py=/usr/bin/python3  # not `python3`: on some hosts that is a shim only root may run

require_root_and_netns

prefix="nd$(( $$ % 10000 ))"
make_work nd  # $socket: absent until section 4
trap clean_up_suite EXIT

client=("$work/datadog-traceroute" --socket "$socket")

# The three callers, each in the client namespace.
as_root() { ip netns exec "${prefix}c" "$@"; }
as_net_raw() {  # nobody holding CAP_NET_RAW and nothing else
  ip netns exec "${prefix}c" setpriv --reuid=nobody --regid=nogroup --clear-groups \
    --inh-caps=-all,+net_raw --ambient-caps=-all,+net_raw --bounding-set=-all,+net_raw "$@"
}
# as_nobody (harness.sh): nobody with no capability at all.

run() {  # run NAME WHO ARGS...: stdout NAME.json, stderr NAME.err, status NAME.rc
  local name=$1 who=$2; shift 2
  "$who" "$@" >"$work/$name.json" 2>"$work/$name.err"
  echo $? >"$work/$name.rc"
}
status_is() { test "$(cat "$work/$1.rc" 2>/dev/null)" = "$2"; }
stop_daemon() { kill_daemon; rm -f "$socket"; }
cat >"$work/daemon.json" <<EOF2
{"audit_log": "$work/audit.log",
 "roles": {"user": {"max_traceroute_queries": 100, "rate_per_minute": 100000, "burst": 100000}}}
EOF2

"$topology" up "$prefix" --routers 5
hops=$("$topology" hops "$prefix" --routers 5 | tr '\n' ' ')
hops6=$("$topology" hops6 "$prefix" --routers 5 | tr '\n' ' ')

# --- 1. root, no daemon -------------------------------------------------------------------
check "no daemon socket exists" test ! -e "$socket"
run root_icmp as_root "${client[@]}" -v --proto icmp -q 2 -Q 3 --timeout 1000 -m 10 203.0.113.5
check "root, no daemon: ICMP exits 0" status_is root_icmp 0
judge root_icmp --hops "$hops" --runs 2 --e2e 3
check "... -v says the trace ran in this process" grep -q "the trace runs in this process, which holds CAP_NET_RAW" \
  "$work/root_icmp.err"
check "... and printed the hops as they came (the listener)" grep -q "run 2  ttl   6  203.0.113.5" "$work/root_icmp.err"
run root_udp as_root "${client[@]}" --proto udp -q 2 -Q 2 --timeout 1000 -m 10 203.0.113.5
check "root, no daemon: UDP exits 0" status_is root_udp 0
judge root_udp --hops "$hops" --runs 2 --e2e 2 --protocol udp --run-port 33434
run root_tcp as_root "${client[@]}" --proto tcp --tcp-method syn -p 443 -q 2 -Q 2 --timeout 1000 -m 10 203.0.113.5
check "root, no daemon: TCP SYN exits 0" status_is root_tcp 0
judge root_tcp --hops "$hops" --runs 2 --e2e 2 --protocol tcp --port 443 --run-port 443
run root_icmp6 as_root "${client[@]}" --proto icmp -q 1 -Q 1 --timeout 1000 -m 10 2001:db8:ffff::5
check "root, no daemon: ICMP over IPv6 exits 0" status_is root_icmp6 0
judge root_icmp6 --hops "$hops6" --runs 1 --e2e 1 --source 2001:db8:1:1::1

# --- 2. nobody with CAP_NET_RAW alone -------------------------------------------------------
# The engine needs nothing more: raw sockets, AF_PACKET captures with cBPF, and
# the TCP connect of syn_socket all work with CAP_NET_RAW alone.
run raw_icmp as_net_raw "${client[@]}" -v --proto icmp -q 2 -Q 2 --timeout 1000 -m 10 203.0.113.5
check "nobody + CAP_NET_RAW: ICMP exits 0" status_is raw_icmp 0
judge raw_icmp --hops "$hops" --runs 2 --e2e 2
check "... in this process" grep -q "the trace runs in this process" "$work/raw_icmp.err"
run raw_udp as_net_raw "${client[@]}" --proto udp -q 1 -Q 1 --timeout 1000 -m 10 203.0.113.5
check "nobody + CAP_NET_RAW: UDP exits 0" status_is raw_udp 0
judge raw_udp --hops "$hops" --runs 1 --e2e 1 --protocol udp --run-port 33434
for method in syn sack syn_socket; do
  run "raw_tcp_$method" as_net_raw "${client[@]}" --proto tcp --tcp-method "$method" -p 443 -q 1 -Q 1 --timeout 1000 \
    -m 10 203.0.113.5
  check "nobody + CAP_NET_RAW: TCP $method exits 0" status_is "raw_tcp_$method" 0
  judge "raw_tcp_$method" --hops "$hops" --runs 1 --e2e 1 --protocol tcp --port 443 --run-port 443
done

# --- 3. nobody without any capability -------------------------------------------------------
run plain as_nobody "${client[@]}" --proto icmp -q 1 -Q 1 --timeout 1000 -m 10 203.0.113.5
check "nobody, no daemon: exit 1 as before" status_is plain 1
check "... DAEMON_UNAVAILABLE" grep -q "(code DAEMON_UNAVAILABLE)" "$work/plain.err"
check "... naming the daemon as one way out" grep -q "start it with 'sudo datadog-tracerouted --foreground'" \
  "$work/plain.err"
check "... and CAP_NET_RAW as the other" grep -q "run datadog-traceroute as root or with CAP_NET_RAW" "$work/plain.err"
check "... and no JSON document" test ! -s "$work/plain.json"
if command -v strace >/dev/null; then
  # Unprivileged use is unchanged: the client does not even try a raw or packet socket.
  ip netns exec "${prefix}c" strace -f -qq -e trace=socket -o "$work/plain.strace" \
    setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all --bounding-set=-all --no-new-privs \
    "${client[@]}" --proto icmp -q 1 -Q 1 --timeout 1000 -m 10 203.0.113.5 >/dev/null 2>&1
  check "... and opened only its Unix socket: no raw or packet socket tried (strace)" \
    bash -c "grep -q 'socket(AF_UNIX' '$work/plain.strace' && ! grep -qE 'SOCK_RAW|AF_PACKET' '$work/plain.strace'"
fi
run plain_flag as_nobody "${client[@]}" --no-daemon --proto icmp -q 1 -Q 1 --timeout 1000 -m 10 203.0.113.5
check "nobody --no-daemon: exit 1" status_is plain_flag 1
check "... saying --no-daemon needs CAP_NET_RAW, and how to start the daemon" \
  grep -q -- "--no-daemon runs the trace in this process, which needs CAP_NET_RAW.*datadog-tracerouted" \
  "$work/plain_flag.err"

# --- 4. --no-daemon with a daemon running ---------------------------------------------------
check "daemon starts" start_daemon "$socket" --user root --config "$work/daemon.json"
run forced as_root "${client[@]}" -v --no-daemon --proto icmp -q 1 -Q 1 --timeout 1000 -m 10 203.0.113.5
check "root --no-daemon with a daemon: exit 0" status_is forced 0
judge forced --hops "$hops" --runs 1 --e2e 1
check "... -v says --no-daemon ran it here" grep -q -- "--no-daemon: the trace runs in this process" "$work/forced.err"
check "... and the daemon saw no request" bash -c "! grep -q 'trace request' '$work/daemon.log'"
run through as_root "${client[@]}" -v --proto icmp -q 1 -Q 1 --timeout 1000 -m 10 203.0.113.5
check "root without the flag: through the daemon, exit 0" status_is through 0
judge through --hops "$hops" --runs 1 --e2e 1
check "... the daemon logged it" grep -q "trace request: uid=0" "$work/daemon.log"
check "... and -v said nothing of this process" bash -c "! grep -q 'in this process' '$work/through.err'"

# --- 5. Ctrl-C: the same exit status both ways ------------------------------------------------
# 203.0.113.66 is filtered past the last router: the trace waits out its long
# timeout, so SIGINT lands mid-trace once the routers' hops are in.
interrupt() {  # interrupt NAME ARGS...: SIGINT once 5 hops are on stderr
  local name=$1; shift
  # Not as_root: a function in the background is a subshell, and $! would be its pid.
  ip netns exec "${prefix}c" timeout 120 "$@" -v --proto udp -q 1 -Q 0 --timeout 20000 -m 20 203.0.113.66 \
    >"$work/$name.json" 2>"$work/$name.err" &
  local pid=$!
  for _ in $(seq 200); do
    (( $(grep -c '^run 1  ttl' "$work/$name.err") >= 5 )) && break
    sleep 0.1
  done
  # `timeout` relays SIGINT to the client and exits with its status.
  kill -INT "$pid"
  wait "$pid"
  echo $? >"$work/$name.rc"
}
interrupt int_daemon "${client[@]}"
interrupt int_inproc "${client[@]}" --no-daemon
check "Ctrl-C through the daemon: exit 130" status_is int_daemon 130
check "Ctrl-C in-process: exit 130 as well" status_is int_inproc 130
check "... saying where it was cancelled" grep -q "Interrupted: the trace was cancelled in this process" \
  "$work/int_inproc.err"
check "... with the hops learned so far" grep -q "^ 5  192.0.2.22" "$work/int_inproc.err"
stop_daemon

# --- 6. batch and watch rounds in-process -------------------------------------------------------
run batch as_root "${client[@]}" --proto icmp -q 1 -Q 1 --timeout 1000 -m 10 203.0.113.5 203.0.113.7
check "batch of 2, no daemon: exit 0" status_is batch 0
check "... two JSON lines" test "$(grep -c '"destination"' "$work/batch.json")" = 2
run cycles as_root "${client[@]}" --report-cycles 2 --interval 100ms --format json --proto icmp -q 1 --timeout 1000 \
  -m 10 203.0.113.5
check "--report-cycles 2, no daemon: exit 0" status_is cycles 0
check "... its report has 2 rounds" "$py" -c '
import json, sys
report = json.load(open(sys.argv[1]))
sys.exit(0 if report.get("rounds") == 2 else 1)' "$work/cycles.json"

# --- 7. doctor names the mode -------------------------------------------------------------------
run doc_root as_root "${client[@]}" doctor
check "doctor as root, no daemon: exit 0" status_is doc_root 0
check "... mode: in-process" grep -q "^ok    mode: in-process: no daemon answers at $socket" "$work/doc_root.json"
run doc_flag as_net_raw "${client[@]}" doctor --no-daemon
check "doctor --no-daemon with CAP_NET_RAW: exit 0, mode: in-process (--no-daemon)" \
  grep -q "^ok    mode: in-process (--no-daemon)" "$work/doc_flag.json"
run doc_none as_nobody "${client[@]}" doctor
check "doctor as nobody, no daemon: exit 1" status_is doc_none 1
check "... mode: none, both ways out" grep -q "^FAIL  mode: none: no daemon answers" "$work/doc_none.json"
check "daemon starts again" start_daemon "$socket" --user root --config "$work/daemon.json"
run doc_daemon as_nobody "${client[@]}" doctor
check "doctor as nobody with the daemon: mode: daemon" grep -q "^ok    mode: daemon: traces run in the daemon at $socket" \
  "$work/doc_daemon.json"
stop_daemon

# --- 8. the client binary stays plain ---------------------------------------------------------------
check "the built client has no setuid/setgid bit" test ! -u "$bin_dir/datadog-traceroute" -a ! -g "$bin_dir/datadog-traceroute"
if command -v getcap >/dev/null; then
  check "... and no file capabilities" test -z "$(getcap "$bin_dir/datadog-traceroute")"
fi

finish_checks
