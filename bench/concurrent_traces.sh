#!/usr/bin/env bash
# TRACES concurrent ICMP traces (-q 1 -Q 0) through one daemon, launched by
# CLIENTS launcher loops as nobody, on fakenet's 9-hop network with DELAY ms
# per link: once with the shared demux (the default), once with
# --per-trace-capture (the seed's socket pair per run), and one `scamper`
# process tracing the same targets. Wall time, daemon CPU seconds, peak RSS,
# wrong hop attributions and RTT error against the configured delay.
#   bench/concurrent_traces.sh [TRACES [CLIENTS [DELAY_MS]]]   (root; builds Release first)
# Writes a markdown table to stdout and bench/results/concurrent_traces.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
traces=${1:-1000}
clients=${2:-50}
delay=${3:-5}
fakenet=""
for f in "${FAKENET:-}" "$root/../shared/tools/fakenet.sh" "$root/../../shared/tools/fakenet.sh" /work/shared/tools/fakenet.sh; do
  [[ -n $f && -x $f ]] && { fakenet=$f; break; }
done
[[ -n $fakenet ]] || { echo "fakenet.sh not found (set FAKENET=path)" >&2; exit 1; }
command -v scamper >/dev/null || { echo "needs scamper (apt-get install scamper)" >&2; exit 1; }
dir=$("$root/scripts/build" release)
work=$(mktemp -d /tmp/ddtr-bench.XXXXXX)
chmod 755 "$work"
export FAKENET_STATE=$work/fakenet
daemon_pid=""
cleanup() {
  [[ -n $daemon_pid ]] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
  "$fakenet" down >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
install -m 0755 "$dir/bin/datadog-tracerouted" "$dir/bin/datadog-traceroute" "$work/"
QUIET=1 "$fakenet" up --hops 8 --delay-ms "$delay" --quiet >/dev/null
ns=trc
topology=$FAKENET_STATE/topology.json
# Documentation addresses of the open prefix, reused round-robin.
for (( i = 0; i < traces; i++ )); do echo "203.0.113.$(( 1 + i % 250 ))"; done >"$work/targets.txt"
cat >"$work/daemon.json" <<JSON
{
  "roles": {"user": {"max_traceroute_queries": 10, "max_e2e_queries": 10, "max_ttl": 64, "min_timeout_ms": 10,
                     "max_timeout_ms": 10000, "concurrent_traces": $traces, "queued_traces": $traces,
                     "max_connections": $(( traces + 100 )), "rate_per_minute": 1000000, "burst": 1000000}},
  "global": {"concurrent_traces": $traces, "queued_traces": $traces, "max_connections": $(( traces + 100 ))},
  "audit_log": "$work/audit.log"
}
JSON
ticks=$(getconf CLK_TCK)
cpu_ticks() { local s; s=$(<"/proc/$1/stat"); s=${s##*) }; set -- $s; echo $(( ${12} + ${13} )); }
# Packets the fake network itself dropped (nfqueue overflows, discards, softnet):
# losses that are the harness's, not the tool's.
harness_drops() { "$fakenet" stats 2>/dev/null | awk '{ s += $3 } END { print s + 0 }'; }
status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

# One row: start a daemon with FLAGS, run every trace at once, judge them.
ours() {  # ours LABEL [DAEMON FLAGS...]
  local label=$1; shift
  local out=$work/out-$label sock=$work/d-$label.sock
  mkdir -m 0777 "$out"
  # A connection per trace, and in the per-trace mode two sockets per run.
  ( ulimit -n "$(ulimit -Hn)"; exec ip netns exec "$ns" "$work/datadog-tracerouted" --foreground --socket "$sock" \
      --log-level warn --config "$work/daemon.json" "$@" ) 2>"$work/d-$label.log" &
  daemon_pid=$!
  for _ in $(seq 100); do [[ -S $sock ]] && break; sleep 0.1; done
  sleep 0.5
  local idle_kb cpu0 t0 t1 cpu1 peak_kb drops0
  idle_kb=$(status_kb "$daemon_pid" VmRSS)
  cpu0=$(cpu_ticks "$daemon_pid")
  drops0=$(harness_drops)
  t0=$(date +%s%N)
  ip netns exec "$ns" setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all bash -c '
    client=$1 sock=$2 out=$3 targets=$4 clients=$5
    mapfile -t dst <"$targets"
    for (( c = 0; c < clients; c++ )); do
      ( for (( i = c; i < ${#dst[@]}; i += clients )); do
          "$client" --socket "$sock" --proto icmp -q 1 -Q 0 --timeout 1000 -m 15 "${dst[i]}" \
            >"$out/$i.json" 2>"$out/$i.err" &
        done; wait ) &
    done; wait' _ "$work/datadog-traceroute" "$sock" "$out" "$work/targets.txt" "$clients"
  t1=$(date +%s%N)
  cpu1=$(cpu_ticks "$daemon_pid")
  peak_kb=$(status_kb "$daemon_pid" VmHWM)
  kill "$daemon_pid"; wait "$daemon_pid" 2>/dev/null || true; daemon_pid=""
  local failed verdict
  failed=$(find "$out" -name "*.err" -size +0 | wc -l)
  verdict=$(python3 "$root/bench/judge_traces.py" "$topology" "$delay" ours "$out"/*.json)
  row "$label" "$(( (t1 - t0) / 1000000 ))" "$(( cpu1 - cpu0 ))" "$peak_kb" "$idle_kb" "$failed" "$verdict" \
    "$(( $(harness_drops) - drops0 ))"
}

row() {  # row LABEL WALL_MS CPU_TICKS PEAK_KB IDLE_KB FAILED VERDICT_JSON HARNESS_DROPS
  python3 - "$@" "$ticks" "$traces" <<'PY'
import json, sys
label, wall, cpu, peak, idle, failed, verdict, drops, ticks, traces = sys.argv[1:]
v = json.loads(verdict)
cpu_s = int(cpu) / int(ticks)
idle = f"{int(idle) / 1024:.1f}" if idle else "-"
print(f"| {label} | {int(wall) / 1000:.2f} | {cpu_s:.2f} | {cpu_s * 1000 / int(traces):.2f} | {int(peak) / 1024:.1f} "
      f"| {idle} | {v['correct']}/{v['traces']} | {failed} | {v['wrong_hops']} | {v['lost_hops']} "
      f"| {v['rtt_err_ms_median']} / {v['rtt_err_ms_p95']} | {drops} |")
PY
}

theirs() {  # one scamper process, every target at once (-w 0), at its highest rate (-p 10000 packets/s)
  local t0 t1 res drops0
  drops0=$(harness_drops)
  t0=$(date +%s%N)
  res=$( { ip netns exec "$ns" /usr/bin/time -f '%U %S %M' scamper -O json -o "$work/scamper.json" -p 10000 -w 0 \
             -c "trace -P icmp-paris -q 1 -w 1 -m 15" -f "$work/targets.txt" 2>&1 >/dev/null; } | tail -1)
  t1=$(date +%s%N)
  read -r user sys maxkb <<<"$res"
  local cpu
  cpu=$(python3 -c "print(round(($user + $sys) * $ticks))")
  row "scamper (one process, trace -P icmp-paris -q 1 -w 1)" "$(( (t1 - t0) / 1000000 ))" "$cpu" "$maxkb" "" "-" \
    "$(python3 "$root/bench/judge_traces.py" "$topology" "$delay" scamper "$work/scamper.json")" \
    "$(( $(harness_drops) - drops0 ))"
}

{
  echo "# $traces concurrent traces, $clients launcher loops, fakenet 8 routers + target (9 hops), $delay ms per link"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores shared with other work (load average $(cut -d" " -f1-3 /proc/loadavg)), kernel $(uname -r), delay via $(. "$FAKENET_STATE/env" 2>/dev/null; echo "${FN_DELAY_IMPL:-?}")."
  echo "Ours: \`datadog-traceroute --proto icmp -q 1 -Q 0 --timeout 1000 -m 15 TARGET\` per trace, as nobody; one client process per trace"
  echo "(the batch client of issue 8 part 0 is not on this branch), started by $clients loops at once. RTT error = |RTT - 2 x TTL x $delay ms|."
  echo
  echo "| daemon | wall s | daemon CPU s | CPU ms/trace | peak RSS MiB | idle RSS MiB | correct traces | client errors | wrong hops | lost hops | RTT error ms median / p95 | harness drops |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
  ours "shared demux (default)"
  ours "--per-trace-capture (seed path)" --per-trace-capture
  theirs
} | tee "$work/table.md"
mkdir -p "$root/bench/results"
cp "$work/table.md" "$root/bench/results/concurrent_traces_$traces.md"
