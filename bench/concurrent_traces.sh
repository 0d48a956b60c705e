#!/usr/bin/env bash
# TRACES concurrent ICMP traces (-q 1 -Q 0) through one daemon from CLIENTS
# batch client processes as nobody (each `datadog-traceroute T1 T2 ... --parallel
# TRACES/CLIENTS`: one connection, all its targets in flight), on fakenet's
# 9-hop network with DELAY ms per link, beside one `scamper` process tracing the
# same targets. Wall time, daemon CPU seconds, peak RSS, wrong hop
# attributions, RTT error against the configured delay and against the wire (a
# capture in the client namespace: the tool's own error apart from the fake
# network's), and the daemon's idle RSS before and after.
#   bench/concurrent_traces.sh [TRACES [CLIENTS [DELAY_MS]]]   (root; builds Release first)
# Env: SEND_DELAY=D adds a row with the daemon at --send-delay D; PER_TRACE=1 a
# row with --per-trace-capture; ROW_FLAGS="FLAGS|FLAGS..." a row per set of
# daemon flags (e.g. "--no-adaptive-wait|--max-in-flight 0"); REPEAT=N the default row and scamper N
# times, interleaved; PROFILE=FILE an extra default row recorded with perf (perf report's top symbols go
# to FILE); BENCH_DIR=dir keeps the outputs.
# Writes a markdown table to stdout and bench/results/concurrent_traces_TRACES.md.
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
command -v tcpdump >/dev/null || { echo "needs tcpdump (apt-get install tcpdump)" >&2; exit 1; }
dir=${BUILD_DIR:-$("$root/scripts/build" release)}
work=$(mktemp -d /tmp/ddtr-bench.XXXXXX)
chmod 755 "$work"
export FAKENET_STATE=$work/fakenet
daemon_pid="" capture_pid=""
cleanup() {
  [[ -n $daemon_pid ]] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
  [[ -n $capture_pid ]] && kill "$capture_pid" 2>/dev/null && wait "$capture_pid" 2>/dev/null
  "$fakenet" down >/dev/null 2>&1 || true
  if [[ -n ${BENCH_DIR:-} ]]; then mkdir -p "$BENCH_DIR" && cp -r "$work"/out-* "$work"/*.log "$work"/*.pcap "$BENCH_DIR/" 2>/dev/null; fi
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
                     "max_connections": $(( traces + 100 )), "rate_per_minute": 1000000, "burst": 1000000,
                     "probes_per_second": 0}},
  "global": {"concurrent_traces": $traces, "queued_traces": $traces, "max_connections": $(( traces + 100 )),
             "probes_per_second": 0},
  "audit_log": "$work/audit.log"
}
JSON
ticks=$(getconf CLK_TCK)
# Nanoseconds a process's threads (alive now) have run: the scheduler's own
# account, not the 10 ms ticks of /proc/PID/stat.
cpu_ns() { local t sum=0 ns _; for t in /proc/"$1"/task/*/schedstat; do read -r ns _ <"$t" && sum=$(( sum + ns )); done; echo "$sum"; }
cpu_ticks() { local s; s=$(<"/proc/$1/stat"); s=${s##*) }; set -- $s; echo $(( ${12} + ${13} )); }
# Packets the fake network itself dropped (nfqueue overflows, discards, softnet):
# losses that are the harness's, not the tool's.
harness_drops() { "$fakenet" stats 2>/dev/null | awk '{ s += $3 } END { print s + 0 }'; }
# Busy CPU ticks of the whole machine (every core: user, nice, system, irq, softirq, steal).
machine_ticks() { local _c u n sy _i _w irq sirq st _rest; read -r _c u n sy _i _w irq sirq st _rest </proc/stat; echo $(( u + n + sy + irq + sirq + st )); }
nfq_ticks() { local p; p=$(cat "$FAKENET_STATE/pids/nfqdelay.pid" 2>/dev/null) && [[ -e /proc/$p/stat ]] && cpu_ticks "$p" || echo 0; }
status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
# A capture in the client namespace while a row runs: the wire's RTT of every probe.
capture_start() {
  ip netns exec "$ns" tcpdump -i any --immediate-mode -Z root -U -s 96 -B 16384 -w "$1" ip 2>"$1.log" &
  capture_pid=$!
  sleep 1
}
capture_stop() { sleep 0.3; kill -INT "$capture_pid"; wait "$capture_pid" 2>/dev/null || true; capture_pid=""; }

# One row: start a daemon with FLAGS, run every trace at once, judge them.
ours() {  # ours LABEL [DAEMON FLAGS...]
  local label=$1; shift
  local out=$work/out-$label sock=$work/d-$label.sock
  mkdir -m 0777 "$out"
  # A connection per trace, and in the per-trace mode two sockets per run.
  ( ulimit -n "$(ulimit -Hn)"; exec ip netns exec "$ns" "$work/datadog-tracerouted" --foreground --user root --socket "$sock" \
      --log-level warn --config "$work/daemon.json" "$@" ) 2>"$work/d-$label.log" &
  daemon_pid=$!
  for _ in $(seq 100); do [[ -S $sock ]] && break; sleep 0.1; done
  sleep 0.5
  local idle_kb cpu0 t0 t1 cpu1 peak_kb drops0 perf_pid="" single=()
  idle_kb=$(status_kb "$daemon_pid" VmRSS)
  # One trace alone with the same flags, the reference of "wall <= 1.5 x a single trace".
  for r in 1 2 3; do
    t0=$(date +%s%N)
    ip netns exec "$ns" setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all "$work/datadog-traceroute" \
      --socket "$sock" --proto icmp -q 1 -Q 0 --timeout 1000 -m 15 "203.0.113.25$r" >/dev/null 2>&1 || true
    t1=$(date +%s%N)
    single+=($(( (t1 - t0) / 1000000 )))
  done
  single_ms=$(printf '%s\n' "${single[@]}" | sort -n | sed -n 2p)
  capture_start "$work/$label.pcap"
  if [[ -n ${PROFILE:-} && $label == "default, profiled" ]]; then
    perf record -F 1999 -g -o "$work/perf.data" -p "$daemon_pid" 2>"$work/perf.log" &
    perf_pid=$!
    sleep 0.5
  fi
  cpu0=$(cpu_ns "$daemon_pid")
  drops0=$(harness_drops)
  local m0 q0 c0
  m0=$(machine_ticks) q0=$(nfq_ticks) c0=$(cpu_ticks "$capture_pid")
  t0=$(date +%s%N)
  /usr/bin/time -f '%U %S' -o "$work/clients-$label.time" ip netns exec "$ns" setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all bash -c '
    client=$1 sock=$2 out=$3 targets=$4 clients=$5
    mapfile -t dst <"$targets"
    per=$(( (${#dst[@]} + clients - 1) / clients ))
    for (( c = 0; c < clients; c++ )); do
      mine=("${dst[@]:c*per:per}")
      (( ${#mine[@]} )) || continue
      "$client" --socket "$sock" --proto icmp -q 1 -Q 0 --timeout 1000 -m 15 --parallel "${#mine[@]}" "${mine[@]}" \
        >"$out/$c.jsonl" 2>"$out/$c.err" &
    done; wait' _ "$work/datadog-traceroute" "$sock" "$out" "$work/targets.txt" "$clients"
  t1=$(date +%s%N)
  cpu1=$(cpu_ns "$daemon_pid")
  machine_cpu="$(( $(machine_ticks) - m0 )) $(( $(nfq_ticks) - q0 )) $(( $(cpu_ticks "$capture_pid") - c0 )) $(awk '{ printf "%d", ($1 + $2) * '"$ticks"' }' "$work/clients-$label.time")"
  peak_kb=$(status_kb "$daemon_pid" VmHWM)
  if [[ -n $perf_pid ]]; then
    kill -INT "$perf_pid"; wait "$perf_pid" 2>/dev/null || true
    # Self time by library, then the top symbols; with callers (children) in a second file.
    { perf report -i "$work/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -15
      echo
      perf report -i "$work/perf.data" --no-children --sort dso,symbol --stdio -g none 2>/dev/null | grep -v '^#' \
        | grep -v '^$' | head -45; } | cut -c1-160 >"$PROFILE" || true
    perf report -i "$work/perf.data" --children --sort symbol --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' \
      | head -60 | cut -c1-160 >"$PROFILE.children" || true
  fi
  capture_stop
  sleep 1  # the daemon lets go of the finished traces' memory
  local after_kb
  after_kb=$(status_kb "$daemon_pid" VmRSS)
  kill "$daemon_pid"; wait "$daemon_pid" 2>/dev/null || true; daemon_pid=""
  local failed verdict
  failed=$(find "$out" -name "*.err" -size +0 | wc -l)
  verdict=$(python3 "$root/bench/judge_traces.py" "$topology" "$delay" ours "$out"/*.jsonl --pcap "$work/$label.pcap")
  row "ours: $label" "$(( (t1 - t0) / 1000000 ))/$single_ms" "$(( (cpu1 - cpu0) / 1000 ))" "$peak_kb" "$idle_kb / $after_kb" "$failed" \
    "$verdict" "$(( $(harness_drops) - drops0 ))"
}

row() {  # row LABEL WALL_MS CPU_US PEAK_KB "IDLE_KB / AFTER_KB" FAILED VERDICT_JSON HARNESS_DROPS
  python3 - "$@" "$ticks" "$traces" "${BENCH_JSON:-}" "$machine_cpu" "$(nproc)" <<'PY'
import json, sys
label, wall, cpu, peak, idle, failed, verdict, drops, ticks, traces, out, machine, cores = sys.argv[1:]
cpu_s = int(cpu) / 1e6  # microseconds
m_busy, m_nfq, m_cap, m_clients = (int(x) / int(ticks) for x in machine.split())
v = json.loads(verdict)
wall, single = (int(x) for x in wall.split("/"))
if out:
    with open(out, "a") as f:
        f.write(json.dumps(dict(v, bench="concurrent", label=label, wall_s=wall / 1000, single_s=single / 1000, cpu_s=cpu_s,
                                cpu_ms_per_trace=cpu_s * 1000 / int(traces), peak_kb=int(peak),
                                idle_kb=[int(k) for k in idle.split(" / ")] if idle else None,
                                client_errors=failed, harness_drops=int(drops), machine_cpu_s=m_busy,
                                fake_net_cpu_s=m_nfq, capture_cpu_s=m_cap,
                                clients_cpu_s=m_clients if label.startswith("ours") else None)) + "\n")
idle = " / ".join(f"{int(k) / 1024:.1f}" for k in idle.split(" / ")) if idle else "-"
print(f"| {label} | {wall / 1000:.2f} | {single / 1000:.2f} ({wall / single:.1f}x) | {cpu_s:.3f} | {cpu_s * 1000 / int(traces):.3f} | {int(peak) / 1024:.1f} "
      f"| {idle} | {v['correct']}/{v['traces']} | {failed} | {v['wrong_hops']} | {v['lost_hops']} "
      f"| {v['rtt_err_ms_median']} / {v['rtt_err_ms_p95']} | {v.get('tool_vs_wire_ms_median')} / "
      f"{v.get('tool_vs_wire_ms_p95')} / {v.get('tool_vs_wire_ms_max')} | {v.get('wire_err_ms_median')} / "
      f"{v.get('wire_err_ms_p95')} | {v.get('probes_per_trace')} | {drops} "
      f"| {m_busy:.2f} ({100 * m_busy / (int(cores) * wall / 1000):.0f} %) / {m_nfq:.2f} / {m_cap:.2f} / "
      f"{f'{m_clients:.2f}' if label.startswith('ours') else '-'} |")
PY
}

theirs() {  # [LABEL SUFFIX]: one scamper process, every target at once (-w 0), at its highest rate (-p 10000 packets/s)
  local t0 t1 res drops0 suffix=${1:-}
  t0=$(date +%s%N)
  ip netns exec "$ns" scamper -O json -o /dev/null -c "trace -P icmp-paris -q 1 -w 1 -m 15" -i 203.0.113.251 2>/dev/null || true
  t1=$(date +%s%N)
  scamper_single_ms=$(( (t1 - t0) / 1000000 ))
  capture_start "$work/scamper.pcap"
  drops0=$(harness_drops)
  local m0 q0 c0
  m0=$(machine_ticks) q0=$(nfq_ticks) c0=$(cpu_ticks "$capture_pid")
  t0=$(date +%s%N)
  # CPU from perf's task-clock (the scheduler's account, as cpu_ns for ours; it
  # includes ip and time, which exec or wait); peak RSS from time.
  res=$( { perf stat -x, -e task-clock -o "$work/scamper.cpu" ip netns exec "$ns" /usr/bin/time -f '%M' \
             scamper -O json -o "$work/scamper.json" -p 10000 -w 0 \
             -c "trace -P icmp-paris -q 1 -w 1 -m 15" -f "$work/targets.txt" 2>&1 >/dev/null; } | tail -1)
  t1=$(date +%s%N)
  machine_cpu="$(( $(machine_ticks) - m0 )) $(( $(nfq_ticks) - q0 )) $(( $(cpu_ticks "$capture_pid") - c0 )) 0"
  capture_stop
  local maxkb=$res cpu
  cpu=$(awk -F, '$3 == "task-clock" { printf "%d", $1 * 1000 }' "$work/scamper.cpu")  # msec -> us
  row "scamper (one process, trace -P icmp-paris -q 1 -w 1)$suffix" "$(( (t1 - t0) / 1000000 ))/$scamper_single_ms" "$cpu" "$maxkb" "" "-" \
    "$(python3 "$root/bench/judge_traces.py" "$topology" "$delay" scamper "$work/scamper.json" --pcap "$work/scamper.pcap")" \
    "$(( $(harness_drops) - drops0 ))"
}

{
  echo "# $traces concurrent traces from $clients client processes, fakenet 8 routers + target (9 hops), $delay ms per link"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores shared with other work (load average $(cut -d" " -f1-3 /proc/loadavg)), kernel $(uname -r), delay via $(. "$FAKENET_STATE/env" 2>/dev/null; echo "${FN_DELAY_IMPL:-?}")."
  echo "Ours: $clients processes of \`datadog-traceroute --proto icmp -q 1 -Q 0 --timeout 1000 -m 15 --parallel $(( (traces + clients - 1) / clients )) T1 T2 ...\`"
  echo "($(( (traces + clients - 1) / clients )) targets each, one connection each), as nobody, started at once. RTT error = |RTT - 2 x TTL x $delay ms|;"
  echo "tool vs wire = |tool RTT - the probe's RTT on the client namespace's wire| (tcpdump, kernel timestamps): the tool's own"
  echo "error; wire error = |wire RTT - 2 x TTL x $delay ms|: the fake network's (user-space NFQUEUE delay), which no tool controls."
  echo "Idle RSS: the daemon's VmRSS 0.5 s after start / 1 s after the last trace."
  echo
  echo "| daemon | wall s | one trace alone s (ratio) | daemon CPU s | CPU ms/trace | peak RSS MiB | idle RSS MiB before / after | correct traces | client errors | wrong hops | lost hops | RTT error ms median / p95 | tool vs wire ms median / p95 / max | wire error ms median / p95 | probes sent per trace | harness drops | CPU s during the run: machine (busy % of all cores) / fake network (nfqdelay) / capture (tcpdump) / client processes |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  ours default
  # REPEAT=N: the default row and scamper N times, interleaved (the report
  # compares their medians: one 1000-trace run is ~0.2 s of CPU on a shared machine).
  for (( rep = 2; rep <= ${REPEAT:-1}; rep++ )); do theirs ", run $(( rep - 1 ))"; ours "default, run $rep"; done
  [[ -n ${SEND_DELAY:-} ]] && ours "--send-delay $SEND_DELAY" --send-delay "$SEND_DELAY"
  [[ -n ${PER_TRACE:-} ]] && ours "--per-trace-capture" --per-trace-capture
  # shellcheck disable=SC2086  # ROW_FLAGS: one row per "|"-separated set of daemon flags
  if [[ -n ${ROW_FLAGS:-} ]]; then IFS='|' read -ra sets <<<"$ROW_FLAGS"; for f in "${sets[@]}"; do ours "$f" $f; done; fi
  theirs "$( (( ${REPEAT:-1} > 1 )) && echo ", run ${REPEAT}")"
  # Profiled apart: perf's sampling costs the daemon CPU of its own.
  [[ -n ${PROFILE:-} ]] && ours "default, profiled"
} | tee "$work/table.md"
mkdir -p "$root/bench/results"
[[ -n ${NO_RESULTS:-} ]] || cp "$work/table.md" "$root/bench/results/concurrent_traces_$traces.md"
