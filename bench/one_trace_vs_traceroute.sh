#!/usr/bin/env bash
# Wall time of one trace per protocol (-q 1 -Q 1) through the daemon, client as
# nobody, beside `traceroute` (-I, UDP, -T) on the same 8-router namespace
# network, in one run.
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
# A benchmark measures tracing, not quotas: nobody may trace as often as it likes.
cat >"$work/daemon.json" <<EOF
{"roles": {"user": {"rate_per_minute": 1000000, "burst": 1000000}}, "audit_log": "$work/audit.log"}
EOF
ip netns exec "${prefix}c" "$work/datadog-tracerouted" --user root --socket "$work/d.sock" --config "$work/daemon.json" \
  --log-level warn 2>"$work/d.log" &
daemon_pid=$!
for _ in $(seq 100); do [[ -S $work/d.sock ]] && break; sleep 0.1; done

ours() {  # ours PROTO [ARGS...]
  local proto=$1; shift
  ip netns exec "${prefix}c" setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \
    "$work/datadog-traceroute" --socket "$work/d.sock" --proto "$proto" "$@" -q 1 -Q 1 203.0.113.5 >/dev/null
}
theirs() { ip netns exec "${prefix}c" traceroute -n "$@" 203.0.113.5 >/dev/null; }

ms() { local t0 t1; t0=$(date +%s%N); "$@"; t1=$(date +%s%N); echo $(( (t1 - t0) / 1000 )); }
stats() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {printf "%.1f ms (min %.1f, max %.1f)", v[int((NR+1)/2)]/1000, v[1]/1000, v[NR]/1000}'; }

# pairs: "label of ours | our args || label of theirs | their args"
pairs=(
  "icmp|icmp||traceroute -n -I|-I"
  "udp|udp||traceroute -n (UDP)|"
  "tcp syn, port 443|tcp -p 443||traceroute -n -T -p 443|-T -p 443"
  "tcp syn_socket, port 443|tcp --tcp-method syn_socket -p 443||traceroute -n -T -p 443|-T -p 443"
  "tcp sack, port 443|tcp --tcp-method sack -p 443||traceroute -n -T -p 443|-T -p 443"
)
echo "rounds: $rounds, network: 8 routers + destination (9 hops), no added delay, medians"
echo "| ours (datadog-traceroute -q 1 -Q 1, via the daemon, as nobody) | wall | traceroute | wall |"
echo "|---|---|---|---|"
for pair in "${pairs[@]}"; do
  IFS='|' read -r label args _ their_label their_args <<<"$pair"
  # shellcheck disable=SC2086
  ours $args; theirs $their_args  # warm up
  a=() b=()
  for (( i = 0; i < rounds; i++ )); do  # interleaved, so both see the same machine load
    # shellcheck disable=SC2086
    a+=("$(ms ours $args)")
    # shellcheck disable=SC2086
    b+=("$(ms theirs $their_args)")
  done
  echo "| $label | $(stats "${a[@]}") | $their_label | $(stats "${b[@]}") |"
done
