#!/usr/bin/env bash
# Wall time of one ICMP trace (-q 1 -Q 1) through the daemon, client as nobody,
# beside `traceroute -n -I` on the same 8-router namespace network, in one run.
#   bench/one_trace_vs_traceroute.sh [ROUNDS]      (root; builds Release first)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-20}
dir=$("$root/scripts/build" release)
prefix=dbnch
work=$(mktemp -d /tmp/ddtr-bench.XXXXXX)
chmod 755 "$work"
daemon_pid=""
cleanup() {
  [[ -n $daemon_pid ]] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
  "$root/tests/testutils/topology.sh" down "$prefix"
  rm -rf "$work"
}
trap cleanup EXIT
install -m 0755 "$dir/bin/datadog-tracerouted" "$dir/bin/datadog-traceroute" "$work/"
"$root/tests/testutils/topology.sh" up "$prefix" --routers 8
ip netns exec "${prefix}c" "$work/datadog-tracerouted" --socket "$work/d.sock" --log-level warn 2>"$work/d.log" &
daemon_pid=$!
for _ in $(seq 100); do [[ -S $work/d.sock ]] && break; sleep 0.1; done

ours() {
  ip netns exec "${prefix}c" setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \
    "$work/datadog-traceroute" --socket "$work/d.sock" --proto icmp -q 1 -Q 1 203.0.113.5 >/dev/null
}
theirs() { ip netns exec "${prefix}c" traceroute -n -I 203.0.113.5 >/dev/null; }

ms() { local t0 t1; t0=$(date +%s%N); "$@"; t1=$(date +%s%N); echo $(( (t1 - t0) / 1000 )); }
ours; theirs  # warm up (ARP/neighbour entries)
declare -a a b
for (( i = 0; i < rounds; i++ )); do  # interleaved, so both see the same machine load
  a+=("$(ms ours)")
  b+=("$(ms theirs)")
done
stats() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1; s+=$1} END {printf "median %.1f ms, mean %.1f ms, min %.1f ms, max %.1f ms", v[int((NR+1)/2)]/1000, s/NR/1000, v[1]/1000, v[NR]/1000}'; }
echo "rounds: $rounds, network: 8 routers + destination (9 hops), no added delay"
echo "| command | wall time |"
echo "|---|---|"
echo "| datadog-traceroute --proto icmp -q 1 -Q 1 (via daemon, as nobody) | $(stats "${a[@]}") |"
echo "| traceroute -n -I | $(stats "${b[@]}") |"
