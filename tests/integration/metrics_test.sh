#!/usr/bin/env bash
# Issue 18: the daemon's /metrics as real scrapers see it. promtool lints the
# page; a real Prometheus server in the test namespace scrapes the daemon's
# --metrics-listen on loopback while unprivileged users trace through RPC and
# HTTP, and its query API must then hold exactly the counts of what this
# script did (traces by protocol and outcome, refusals by code and transport,
# probes, histograms). Also: /metrics on the API's listener, the metrics
# listener serving nothing else, a SIGHUP reload counted, and the Datadog
# Agent example files parsed, their metric names present in the real page.
# A metrics listener off loopback needs http.tokens to start and a token per scrape.
#   metrics_test.sh BIN_DIR [--sanitized]
# --sanitized (ASan/TSan build): the idle RSS is printed, not judged (shadow
# memory and quarantine are the daemon's RSS too); a sanitizer report fails.
# Exit 77 (ctest: skipped) without root, network namespaces, curl or prometheus.
set -uo pipefail

bin_dir=${1:?usage: $0 BIN_DIR [--sanitized]}
sanitized=false
[[ ${2:-} == --sanitized ]] && sanitized=true
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=SCRIPTDIR/../testutils/harness.sh
source "$here/../testutils/harness.sh"
topology=$here/../testutils/topology.sh

require_root_and_netns
for tool in curl promtool prometheus python3; do
  command -v "$tool" >/dev/null || { echo "skipped: needs $tool (scripts/deps installs it)"; exit 77; }
done
python3 -c 'import yaml' 2>/dev/null || { echo "skipped: needs python3-yaml"; exit 77; }

prefix="mt$(( $$ % 10000 ))"
make_work metrics
prom_pid=""

cleanup() {
  [[ -n $prom_pid ]] && kill "$prom_pid" 2>/dev/null && wait "$prom_pid" 2>/dev/null
  clean_up_suite
}
trap cleanup EXIT

in_ns() { ip netns exec "${prefix}c" "$@"; }

api=http://127.0.0.1:3765
scrape=http://127.0.0.1:9765
prom=http://127.0.0.1:9090

"$topology" up "$prefix" --routers 3
write_config() {  # write_config MAX_QUERIES
  cat >"$work/daemon.json" <<EOF
{
  "roles": {"user": {"max_traceroute_queries": $1, "concurrent_traces": 4, "queued_traces": 8,
                     "rate_per_minute": 100000, "burst": 100000}},
  "destinations": {"deny": ["203.0.113.77"]},
  "audit_log": "$work/audit.log"
}
EOF
}
write_config 3
# Started directly (not through in_ns, whose subshell would stand between $! and the daemon).
ip netns exec "${prefix}c" "$work/datadog-tracerouted" --foreground --user root --socket "$socket" \
  --config "$work/daemon.json" --http-listen 127.0.0.1:3765 --metrics-listen 127.0.0.1:9765 \
  --log-level debug >>"$work/daemon.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 100); do in_ns curl -s -o /dev/null "$scrape/metrics" && break; sleep 0.1; done

# sample NAME: the daemon's page now, as an unprivileged scraper gets it, in $work/NAME.prom
mkdir -m 1777 "$work/out"
sample() {
  as_nobody curl -s -o "$work/out/$1.prom" -D "$work/out/$1.head" -w '%{http_code}' "$scrape/metrics" >"$work/$1.code"
  cp "$work/out/$1.prom" "$work/$1.prom"; cp "$work/out/$1.head" "$work/$1.head"
}
# value FILE SERIES: the sample's value of one series, exactly as written (labels in page order)
value() { awk -v s="$2" '$1 == s { print $2 }' "$1"; }

# --- the page itself ------------------------------------------------------------------------------------
sample idle
check "GET /metrics on --metrics-listen: 200" test "$(cat "$work/idle.code")" = 200
check "... Prometheus text format 0.0.4" grep -qi '^content-type: text/plain; version=0.0.4' "$work/idle.head"
check "promtool check metrics: the idle page passes" promtool check metrics <"$work/idle.prom"
check "build info carries the version" grep -qE '^ddtr_build_info\{version="[0-9.]+"\} 1$' "$work/idle.prom"
check "the policy's load time is a recent Unix time" python3 -c '
import sys, time
v = [float(l.split()[1]) for l in open(sys.argv[1]) if l.startswith("ddtr_policy_loaded_timestamp_seconds ")][0]
sys.exit(0 if abs(time.time() - v) < 600 else 1)' "$work/idle.prom"
check "no per-user or per-target label anywhere" bash -c "! grep -qE '(uid|user|target|destination|remote)=' '$work/idle.prom'"
for path in /traceroute?target=203.0.113.5 /health; do
  code=$(in_ns curl -s -o /dev/null -w '%{http_code}' "$scrape$path")
  check "the metrics listener serves $path not at all: 404" test "$code" = 404
done
code=$(in_ns curl -s -o /dev/null -w '%{http_code}' -X POST "$scrape/metrics")
check "POST /metrics: 405" test "$code" = 405
code=$(in_ns curl -s -o "$work/api.prom" -w '%{http_code}' "$api/metrics")
check "the API's listener serves /metrics too: 200" test "$code" = 200
check "... the same families" test "$(grep -c '^# TYPE' "$work/api.prom")" = "$(grep -c '^# TYPE' "$work/idle.prom")"
rss_kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$daemon_pid/status")
echo "# idle daemon RSS: ${rss_kb} kB"
$sanitized || check "the idle daemon's RSS is at most 15 MB (${rss_kb} kB)" test "$rss_kb" -le 15360

# --- a real Prometheus server scraping the daemon -------------------------------------------------------
cat >"$work/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: datadog-tracerouted
    static_configs:
      - targets: ["127.0.0.1:9765"]
EOF
check "promtool check config: the test's Prometheus config" promtool check config "$work/prometheus.yml"
mkdir "$work/tsdb"
ip netns exec "${prefix}c" prometheus --config.file "$work/prometheus.yml" --storage.tsdb.path "$work/tsdb" \
  --web.listen-address 127.0.0.1:9090 --log.level warn >>"$work/prometheus.log" 2>&1 &
prom_pid=$!
ready=no
for _ in $(seq 600); do in_ns curl -sf -o /dev/null "$prom/-/ready" && { ready=yes; break; }; sleep 0.1; done
check "Prometheus is ready in the namespace" test "$ready" = yes

# query PROMQL: the single value Prometheus has now ("" when no series)
query() {
  in_ns curl -s -G "$prom/api/v1/query" --data-urlencode "query=$1" | python3 -c '
import json, sys
r = json.load(sys.stdin)["data"]["result"]
print(r[0]["value"][1] if len(r) == 1 else "")'
}
# settled PROMQL EXPECTED: Prometheus reaches EXPECTED (it scrapes every second; up to 60 s for a busy machine)
settled() {
  local got=""
  for _ in $(seq 120); do got=$(query "$1"); [[ $got == "$2" ]] && return 0; sleep 0.5; done
  echo "# $1 = '$got', expected '$2'"
  return 1
}
check "Prometheus scrapes the daemon: up == 1" settled 'up{job="datadog-tracerouted"}' 1

# --- traces, as the unprivileged user -------------------------------------------------------------------
trace() {  # trace NAME ARGS...: the client as nobody; exit status in $work/NAME.rc
  local name=$1; shift
  as_nobody "$work/datadog-traceroute" --socket "$socket" "$@" >"$work/$name.json" 2>"$work/$name.err"
  echo $? >"$work/$name.rc"
}
rc_is() { test "$(cat "$work/$1.rc")" = "$2"; }
rc_not() { test "$(cat "$work/$1.rc")" != "$2"; }
trace icmp1 --proto icmp -q 1 -Q 2 -m 8 203.0.113.5
trace icmp2 --proto icmp -q 2 -Q 0 -m 8 203.0.113.6
trace icmp3 --proto icmp -q 1 -Q 1 -m 8 203.0.113.7
trace udp1 --proto udp -q 1 -Q 0 -m 8 203.0.113.5
trace udp2 --proto udp -q 1 -Q 0 -m 8 203.0.113.8
trace tcp1 --proto tcp -q 1 -Q 0 -m 8 -p 80 203.0.113.5
for t in icmp1 icmp2 icmp3 udp1 udp2 tcp1; do check "trace $t: exit 0" rc_is "$t" 0; done
# Refused by the policy before running: 4 queries over the role's 3 (INVALID_REQUEST), twice.
trace refused1 --proto icmp -q 4 -Q 0 -m 8 203.0.113.5
trace refused2 --proto udp -q 5 -Q 0 -m 8 203.0.113.5
for t in refused1 refused2; do
  check "trace $t: refused (non-zero exit)" rc_not "$t" 0
  check "... with INVALID_REQUEST" grep -q INVALID_REQUEST "$work/$t.err"
done
# Through HTTP: one ICMP trace, one refused the same way.
code=$(in_ns setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all --bounding-set=-all \
  --no-new-privs curl -s -o "$work/out/http1.json" -w '%{http_code}' \
  "$api/traceroute?target=203.0.113.5&protocol=icmp&traceroute-queries=1&e2e-queries=0&max-ttl=8")
check "HTTP trace: 200" test "$code" = 200
code=$(in_ns setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all --bounding-set=-all \
  --no-new-privs curl -s -o /dev/null -w '%{http_code}' \
  "$api/traceroute?target=203.0.113.5&protocol=icmp&traceroute-queries=9&e2e-queries=0&max-ttl=8")
check "HTTP trace over the query limit: 400" test "$code" = 400

# What the results say went out: one probe per hop listed, plus the e2e probes.
expected_probes() {  # expected_probes FILES...: "sent replies" summed over the JSON documents
  python3 -c '
import json, sys
sent = replies = 0
for path in sys.argv[1:]:
    d = json.load(open(path))
    for run in d["traceroute"]["runs"] or []:
        sent += len(run["hops"]); replies += sum(1 for h in run["hops"] if h["ip_address"])
    sent += d["e2e_probe"]["packets_sent"]; replies += d["e2e_probe"]["packets_received"]
print(sent, replies)' "$@"
}
read -r icmp_sent icmp_replies < <(expected_probes "$work/icmp1.json" "$work/icmp2.json" "$work/icmp3.json" "$work/out/http1.json")
read -r udp_sent udp_replies < <(expected_probes "$work/udp1.json" "$work/udp2.json")

check "Prometheus: icmp traces started = 4 (3 RPC + 1 HTTP)" settled 'ddtr_traces_started_total{protocol="icmp"}' 4
check "Prometheus: icmp traces finished ok = 4" settled 'ddtr_traces_finished_total{protocol="icmp",outcome="ok"}' 4
check "Prometheus: udp traces finished ok = 2" settled 'ddtr_traces_finished_total{protocol="udp",outcome="ok"}' 2
check "Prometheus: tcp traces finished ok = 1" settled 'ddtr_traces_finished_total{protocol="tcp",outcome="ok"}' 1
check "Prometheus: no trace finished in error or cancelled" \
  settled 'sum(ddtr_traces_finished_total{outcome=~"error|cancelled"})' 0
check "Prometheus: refusals INVALID_REQUEST over RPC = 2" \
  settled 'ddtr_refusals_total{code="INVALID_REQUEST",source="rpc"}' 2
check "Prometheus: refusals INVALID_REQUEST over HTTP = 1" \
  settled 'ddtr_refusals_total{code="INVALID_REQUEST",source="http"}' 1
check "Prometheus: no other refusal" settled 'sum(ddtr_refusals_total)' 3
check "Prometheus: trace durations observed = 7" settled 'ddtr_trace_duration_seconds_count' 7
check "Prometheus: queue waits observed = 7" settled 'ddtr_trace_queue_wait_seconds_count' 7
check "Prometheus: nothing running or queued" settled 'ddtr_traces_running + ddtr_traces_queued' 0
for proto in icmp udp; do
  sent_var=${proto}_sent replies_var=${proto}_replies
  check "Prometheus: $proto probes sent = the results' hops and e2e probes (${!sent_var})" \
    settled "ddtr_probes_sent_total{protocol=\"$proto\"}" "${!sent_var}"
  check "Prometheus: $proto replies = the results' answered hops and e2e replies (${!replies_var})" \
    settled "ddtr_probe_replies_total{protocol=\"$proto\"}" "${!replies_var}"
done
check "no probe identity held after the traces" \
  settled 'sum(ddtr_probe_identities)' 0
sample after
check "promtool check metrics: the page after traces passes" promtool check metrics <"$work/after.prom"

# --- a reload, good then bad ----------------------------------------------------------------------------
write_config 4
kill -HUP "$daemon_pid"
check "Prometheus: a good SIGHUP counts as ok" settled 'ddtr_policy_reloads_total{result="ok"}' 1
echo '{"roles": ' >"$work/daemon.json"
kill -HUP "$daemon_pid"
check "Prometheus: a broken file counts as failed" settled 'ddtr_policy_reloads_total{result="failed"}' 1
check "Prometheus: the audit log wrote every line" settled 'ddtr_audit_write_failures_total' 0

# --- a metrics listener off loopback: tokens or no start, and a token or no page ------------------------
off_lo=192.0.2.5  # the client namespace's end of link 1
cat >"$work/open.json" <<EOF
{"audit_log": ""}
EOF
in_ns timeout 10 "$work/datadog-tracerouted" --foreground --user root --socket "$work/run/open.sock" --config "$work/open.json" \
  --metrics-listen "$off_lo:9766" >"$work/open.log" 2>&1
check "--metrics-listen off loopback without http.tokens: the daemon refuses to start" \
  grep -q 'is not loopback, so every caller must show a token' "$work/open.log"
token=metrics-test-token
cat >"$work/tokens.json" <<EOF
{"http": {"anonymous_role": "denied",
          "tokens": [{"name": "scraper", "sha256": "$(printf %s "$token" | sha256sum | cut -d' ' -f1)", "role": "user"}]},
 "audit_log": ""}
EOF
ip netns exec "${prefix}c" "$work/datadog-tracerouted" --foreground --user root --socket "$work/run/tokens.sock" \
  --config "$work/tokens.json" --metrics-listen "$off_lo:9766" >>"$work/tokens.log" 2>&1 &
tokens_pid=$!
for _ in $(seq 100); do in_ns curl -s -o /dev/null "http://$off_lo:9766/metrics" && break; sleep 0.1; done
code=$(in_ns curl -s -o /dev/null -w '%{http_code}' "http://$off_lo:9766/metrics")
check "off loopback, no token: 401" test "$code" = 401
code=$(in_ns curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer wrong" "http://$off_lo:9766/metrics")
check "off loopback, a wrong token: 401" test "$code" = 401
code=$(in_ns curl -s -o "$work/token.prom" -w '%{http_code}' -H "Authorization: Bearer $token" "http://$off_lo:9766/metrics")
check "off loopback, a token of http.tokens: 200 and the page" \
  test "$code" = 200 -a "$(grep -c '^# TYPE' "$work/token.prom")" = "$(grep -c '^# TYPE' "$work/idle.prom")"
kill "$tokens_pid"; wait "$tokens_pid" 2>/dev/null

# --- the Datadog Agent's example files ------------------------------------------------------------------
sample final
check "the Agent's OpenMetrics and log configs parse, and every mapped metric is on the page" \
  python3 "$here/../testutils/check_agent_conf.py" "$root/packaging/datadog-agent/conf.d" "$work/final.prom"

kill_daemon
check "no sanitizer report in the daemon's logs" bash -c "! grep -q Sanitizer '$work/daemon.log' '$work/tokens.log'"

# METRICS_PAGE_OUT=file keeps the final page (docs/metrics.md's sample comes from it).
[[ -n ${METRICS_PAGE_OUT:-} ]] && cp "$work/final.prom" "$METRICS_PAGE_OUT"
if (( failed > 0 )); then
  echo "--- daemon log (tail)"; tail -30 "$work/daemon.log"
  echo "--- prometheus log (tail)"; tail -10 "$work/prometheus.log"
  echo "--- page"; grep -v '^#' "$work/final.prom" | grep -v ' 0$'
fi
finish_checks
