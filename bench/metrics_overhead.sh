#!/usr/bin/env bash
# Issue 18's bench row: what a Prometheus scraper costs the daemon. TRACES ICMP
# traces (-q 1 -Q 0 -m 8) from CLIENTS batch clients as nobody, through one
# daemon on the project's namespace chain (tests/testutils/topology.sh, 3
# routers), timed without and with a scraper fetching /metrics every 100 ms,
# (one python3 process on a keep-alive connection, as a Prometheus server
# scrapes), in ROUNDS alternating pairs (off, on, off, on, ...) so a busy machine's drift
# falls on both sides. Prints a markdown table: the median wall time of each
# side, the change, the scrapes made, the idle daemon's RSS and the page size,
# and the daemon's CPU time per scrape (1000 scrapes back to back).
#   sudo bench/metrics_overhead.sh [TRACES [CLIENTS [ROUNDS]]]   (defaults 1000, 10, 3)
# BUILD_DIR=dir uses that build (default: scripts/build release).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
traces=${1:-1000}
clients=${2:-10}
rounds=${3:-3}
[[ $(id -u) == 0 ]] || { echo "run as root (namespaces, raw sockets)" >&2; exit 1; }
command -v curl >/dev/null || { echo "needs curl" >&2; exit 1; }
dir=${BUILD_DIR:-$("$root/scripts/build" release)}
topology=$root/tests/testutils/topology.sh
prefix="mo$(( $$ % 10000 ))"
ns=${prefix}c
work=$(mktemp -d /tmp/ddtr-metrics-bench.XXXXXX)
chmod 755 "$work"
daemon_pid="" scraper_pid=""
cleanup() {
  [[ -n $scraper_pid ]] && kill "$scraper_pid" 2>/dev/null && wait "$scraper_pid" 2>/dev/null
  [[ -n $daemon_pid ]] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
  "$topology" down "$prefix" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
install -m 0755 "$dir/bin/datadog-tracerouted" "$dir/bin/datadog-traceroute" "$work/"
"$topology" up "$prefix" --routers 3 >/dev/null
# Documentation addresses the chain's destination answers, round-robin.
for (( i = 0; i < traces; i++ )); do echo "203.0.113.$(( 1 + i % 250 ))"; done >"$work/targets.txt"
cat >"$work/daemon.json" <<JSON
{
  "roles": {"user": {"concurrent_traces": $traces, "queued_traces": $traces, "max_connections": $(( clients + 10 )),
                     "rate_per_minute": 1000000, "burst": 1000000, "probes_per_second": 0}},
  "global": {"concurrent_traces": $traces, "queued_traces": $traces, "max_connections": $(( clients + 10 )),
             "probes_per_second": 0},
  "audit_log": "$work/audit.log"
}
JSON
sock=$work/d.sock
( ulimit -n "$(ulimit -Hn)"; exec ip netns exec "$ns" "$work/datadog-tracerouted" --foreground --user root --socket "$sock" \
    --log-level warn --config "$work/daemon.json" --metrics-listen 127.0.0.1:9765 ) 2>"$work/daemon.log" &
daemon_pid=$!
for _ in $(seq 100); do [[ -S $sock ]] && break; sleep 0.1; done
sleep 1
idle_kb=$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$daemon_pid/status")
page_bytes=$(ip netns exec "$ns" curl -s "http://127.0.0.1:9765/metrics" | wc -c)

batch() {  # one batch: every trace, CLIENTS clients at once; prints the wall time in ms
  local t0 t1
  t0=$(date +%s%N)
  ip netns exec "$ns" setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all bash -c '
    client=$1 sock=$2 targets=$3 clients=$4
    mapfile -t dst <"$targets"
    per=$(( (${#dst[@]} + clients - 1) / clients ))
    for (( c = 0; c < clients; c++ )); do
      mine=("${dst[@]:c*per:per}")
      (( ${#mine[@]} )) || continue
      "$client" --socket "$sock" --proto icmp -q 1 -Q 0 --timeout 1000 -m 8 --parallel "${#mine[@]}" "${mine[@]}" \
        >/dev/null 2>&1 &
    done; wait' _ "$work/datadog-traceroute" "$sock" "$work/targets.txt" "$clients"
  t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000000 ))
}
scraper_start() {  # GET /metrics every 100 ms as nobody, one keep-alive connection (as Prometheus); counts in $work/scrapes
  echo 0 >"$work/scrapes"
  ip netns exec "$ns" setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all /usr/bin/python3 -c '
import http.client, sys, time
count, conn, out = 0, None, open(sys.argv[1], "r+")
while True:
    try:
        conn = conn or http.client.HTTPConnection("127.0.0.1", 9765, timeout=5)
        conn.request("GET", "/metrics")
        conn.getresponse().read()
        count += 1
        out.seek(0); out.write(str(count)); out.truncate(); out.flush()  # never empty: digits only grow
    except OSError:
        conn = None
    time.sleep(0.1)' "$work/scrapes" &
  scraper_pid=$!
  # The interpreter's start is not the scrapes' cost: time the batch from its first scrape on.
  for _ in $(seq 200); do [[ $(cat "$work/scrapes") != 0 ]] && break; sleep 0.05; done
}
scraper_stop() { kill "$scraper_pid" 2>/dev/null; wait "$scraper_pid" 2>/dev/null || true; scraper_pid=""; }
touch "$work/scrapes"; chmod 666 "$work/scrapes"  # the scraper runs as nobody

batch >/dev/null  # warm-up: caches, the capture, the allocator
off=() on=() scrapes=0
for (( r = 0; r < rounds; r++ )); do
  off+=("$(batch)")
  scraper_start
  on+=("$(batch)")
  scraper_stop
  scrapes=$(( scrapes + $(cat "$work/scrapes") ))
done
# The daemon's own cost of a scrape, free of the machine's noise: its CPU time
# over 1000 back-to-back scrapes on one keep-alive connection.
cpu_ticks() { local s; s=$(<"/proc/$1/stat"); s=${s##*) }; set -- $s; echo $(( ${12} + ${13} )); }
cpu0=$(cpu_ticks "$daemon_pid")
ip netns exec "$ns" curl -s "http://127.0.0.1:9765/metrics?[1-1000]" >/dev/null
cpu1=$(cpu_ticks "$daemon_pid")
us_per_scrape=$(( (cpu1 - cpu0) * 1000000 / $(getconf CLK_TCK) / 1000 ))
python3 - "$traces" "$clients" "$idle_kb" "$page_bytes" "$scrapes" "${off[*]}" "${on[*]}" "$us_per_scrape" <<'PY'
import statistics, sys
traces, clients, idle_kb, page, scrapes = sys.argv[1:6]
off = [int(x) for x in sys.argv[6].split()]
on = [int(x) for x in sys.argv[7].split()]
us = int(sys.argv[8])
m_off, m_on = statistics.median(off), statistics.median(on)
change = (m_on - m_off) / m_off * 100
print(f"| {traces} ICMP traces, {clients} batch clients | wall, no scraper (median of {len(off)}) | "
      f"wall, /metrics every 100 ms | change | scrapes | idle RSS | page |")
print("|---|---|---|---|---|---|---|")
print(f"| runs (ms): off {off}, on {on} | {m_off / 1000:.2f} s | {m_on / 1000:.2f} s | {change:+.1f} % "
      f"({'< 5 %' if change < 5 else 'NOT < 5 %'}) | {scrapes} | {int(idle_kb) / 1024:.1f} MB "
      f"({'<= 15 MB' if int(idle_kb) <= 15360 else 'NOT <= 15 MB'}) | {page} bytes |")
print()
print(f"Daemon CPU per scrape (1000 back to back): {us} us; at 10 scrapes/s that is {us * 10 / 1000:.2f} ms "
      f"of CPU per second ({us / 1000:.3f} % of one core).")
PY
