#!/usr/bin/env bash
# The benchmark in one command (issues 8 and 15: every row at the daemon's
# defaults, plus upstream's --send-delay 50ms): builds the daemon, the client and
# rpc_latency (Release), then
#   1. one trace per protocol beside traceroute, scamper and mtr (one_trace_fakenet.sh):
#      9 hops at 5 ms/link plain, a silent router, 1 % loss per link, a 20-hop path,
#   2. TRACES concurrent traces from 50 batch clients beside one scamper
#      process, three times each, interleaved (CPU and wall judged on medians),
#      the daemon profiled with perf (concurrent_traces.sh); also with a
#      doubled cap on probes in flight and without it (--max-in-flight 2048, 0),
#   3. the RPC overhead (rpc_latency, as nobody) and the idle daemon's RSS,
# and writes bench/results/defaults_<date>.md: the tables and every target's verdict.
#   sudo bench/run_all.sh [ROUNDS [TRACES]]      (defaults 3, 1000)
# KEEP_DIR=dir keeps every tool's output, the captures and the daemon logs there.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-3}
traces=${2:-1000}
[[ $(id -u) == 0 ]] || { echo "run as root (namespaces, raw sockets)" >&2; exit 1; }
for t in traceroute scamper mtr tcpdump perf; do
  command -v "$t" >/dev/null || {
    echo "needs $t: apt-get install traceroute scamper mtr-tiny tcpdump linux-perf" >&2; exit 1; }
done
build=$root/build/release
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DDDTR_WERROR=ON >/dev/null
cmake --build "$build" -j 2 --target datadog-tracerouted datadog-traceroute rpc_latency >&2
export BUILD_DIR=$build
day=$(date -u +%Y-%m-%d)
results=$root/bench/results
mkdir -p "$results"
work=$(mktemp -d /tmp/ddtr-runall.XXXXXX)
chmod 755 "$work"
rpc_ns=ddtrrpc$$
daemon_pid=""
cleanup() {
  [[ -n $daemon_pid ]] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
  ip netns del "$rpc_ns" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
export BENCH_JSON=$work/rows.jsonl

echo "== 1/3 one trace per protocol ($rounds rounds)" >&2
BENCH_DIR=${KEEP_DIR:+$KEEP_DIR/one} "$root/bench/one_trace_fakenet.sh" "$rounds" >"$work/one.md"
echo "== 2/3 $traces concurrent traces" >&2
SEND_DELAY=50ms ROW_FLAGS="--max-in-flight 2048|--max-in-flight 0" REPEAT=3 PROFILE=$work/profile.txt NO_RESULTS=1 BENCH_DIR=${KEEP_DIR:+$KEEP_DIR/concurrent} \
  "$root/bench/concurrent_traces.sh" "$traces" 50 5 >"$work/concurrent.md"

echo "== 3/3 RPC overhead and idle RSS" >&2
# In a namespace of its own: a refused trace sends nothing, but nothing here
# may ever reach the host's network either.
ip netns add "$rpc_ns"
ip -n "$rpc_ns" link set lo up
install -m 0755 "$build/bin/datadog-tracerouted" "$build/bin/rpc_latency" "$work/"
cat >"$work/daemon.json" <<JSON
{"roles": {"user": {"rate_per_minute": 1000000, "burst": 1000000}}, "audit_log": "$work/audit.log"}
JSON
ip netns exec "$rpc_ns" "$work/datadog-tracerouted" --foreground --user root --socket "$work/d.sock" --config "$work/daemon.json" \
  --log-level warn 2>"$work/rpc-daemon.log" &
daemon_pid=$!
for _ in $(seq 100); do [[ -S $work/d.sock ]] && break; sleep 0.1; done
sleep 1
idle_start_kb=$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$daemon_pid/status")
ip netns exec "$rpc_ns" setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \
  "$work/rpc_latency" "$work/d.sock" 2000 >"$work/rpc.json"
idle_after_rpc_kb=$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$daemon_pid/status")
kill "$daemon_pid"; wait "$daemon_pid" 2>/dev/null || true; daemon_pid=""

out=$results/defaults_$day.md
/usr/bin/python3 "$root/bench/issue8_report.py" "$work/rows.jsonl" "$work/rpc.json" "$idle_start_kb" \
  "$idle_after_rpc_kb" "$work/one.md" "$work/concurrent.md" "$work/profile.txt" >"$out"
cp "$work/profile.txt" "$results/defaults_${day}_daemon_profile.txt" 2>/dev/null || true
cp "$work/profile.txt.children" "$results/defaults_${day}_daemon_profile_children.txt" 2>/dev/null || true
if [[ -n ${KEEP_DIR:-} ]]; then cp "$work/rows.jsonl" "$work/rpc.json" "$work/one.md" "$work/concurrent.md" "$KEEP_DIR/"; fi
cat "$out"
echo "written: $out" >&2
