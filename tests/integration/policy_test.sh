#!/usr/bin/env bash
# The hostile suite: one daemon (root, in a namespace network) shared by several
# unprivileged users under a policy file. Out-of-bounds options, denied
# destinations, a denied user, quota and rate exhaustion, a connection flood,
# clients killed mid-trace, fairness against a backlog, SIGHUP reloads (good and
# bad). Asserts the exact error codes, the audit lines, and that the daemon's
# descriptor count returns to its baseline.
#   policy_test.sh BIN_DIR
# Exit 77 (ctest: skipped) without root or network namespaces.
set -uo pipefail

bin_dir=${1:?usage: $0 BIN_DIR}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/../testutils/harness.sh
source "$here/../testutils/harness.sh"
topology=$here/../testutils/topology.sh

require_root_and_netns

prefix="po$(( $$ % 10000 ))"
make_work policy
requests=0  # trace calls made, so the audit log can be counted
trap 'stop_jobs; clean_up_suite' EXIT

install -m 0755 "$here/../testutils/hold_connections.py" "$work/"

# The callers. Only `nobody` has a name; the others are bare uids, so the test
# adds no accounts to the host.
A=nobody      # role user (default role)
B=40002       # role user
DENIED=40003  # access.denied.uids
ADMIN=40004   # admin through gid 40010
C=40006       # role user, for the rate limit

# as USER [--groups G] CMD...: in the client namespace, no capabilities at all.
as() {
  local user=$1; shift
  local groups=(--clear-groups)
  if [[ ${1:-} == --groups ]]; then groups=(--groups "$2"); shift 2; fi
  local gid=$user; [[ $user == nobody ]] && gid=nogroup
  ip netns exec "${prefix}c" setpriv --reuid="$user" --regid="$gid" "${groups[@]}" \
    --inh-caps=-all --bounding-set=-all --no-new-privs "$@"
}

# trace NAME USER [--groups G] ARGS...: output in $work/NAME.{json,err,rc}
trace() {
  local name=$1 user=$2; shift 2
  local groups=()
  if [[ ${1:-} == --groups ]]; then groups=(--groups "$2"); shift 2; fi
  requests=$(( requests + 1 ))
  as "$user" "${groups[@]}" "$work/datadog-traceroute" --socket "$socket" "$@" >"$work/$name.json" 2>"$work/$name.err"
  echo $? >"$work/$name.rc"
}

# Background traces: the PID is the client itself (setpriv execs it), so a
# kill reaches the client and not a wrapper.
trace_bg() {
  local name=$1 user=$2; shift 2
  local gid=$user; [[ $user == nobody ]] && gid=nogroup
  requests=$(( requests + 1 ))
  ip netns exec "${prefix}c" setpriv --reuid="$user" --regid="$gid" --clear-groups --inh-caps=-all \
    --bounding-set=-all --no-new-privs "$work/datadog-traceroute" --socket "$socket" "$@" \
    >"$work/$name.json" 2>"$work/$name.err" &
}

refused() {  # refused NAME CODE MESSAGE-FRAGMENT
  local name=$1 code=$2 fragment=$3 before=$failed
  check "$name: exits 1" test "$(cat "$work/$name.rc")" = 1
  check "$name: code $code" grep -q "(code $code)" "$work/$name.err"
  check "$name: says '$fragment'" grep -qF -- "$fragment" "$work/$name.err"
  (( failed == before )) || { echo "--- $name stderr"; cat "$work/$name.err"; }
}

succeeded() {  # succeeded NAME
  check "$1: exits 0" test "$(cat "$work/$1.rc")" = 0
  check "$1: reaches the destination" python3 -c '
import json, sys
doc = json.load(open(sys.argv[1]))
runs = doc["traceroute"]["runs"]
sys.exit(0 if runs and all(r["hops"][-1]["ip_address"] == r["destination"]["ip_address"] for r in runs) else 1)' "$work/$1.json"
}

fd_count() { ls "/proc/$daemon_pid/fd" | wc -l; }
log_count() { grep -c -- "$1" "$work/daemon.log" || true; }
wait_log_count() {  # wait_log_count PATTERN N: until the daemon log has N lines matching
  for _ in $(seq 200); do (( $(log_count "$1") >= $2 )) && return 0; sleep 0.05; done
  return 1
}
requests_of() { log_count "trace request: uid=$1 "; }  # trace calls the daemon has seen from a uid
audit() {  # audit PYTHON-EXPR-over-lines: a count
  python3 -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
print(eval(sys.argv[2]))' "$work/audit.log" "$1"
}

write_config() {  # write_config USER-ROLE-JSON GLOBAL-CONCURRENT
  cat >"$work/daemon.json.new" <<EOF
{
  "access": {"denied": {"uids": [$DENIED]}, "admin": {"gids": [40010]}},
  "roles": {"user": $1},
  "global": {"concurrent_traces": $2},
  "destinations": {"deny": ["203.0.113.77"]},
  "audit_log": "$work/audit.log"
}
EOF
  mv "$work/daemon.json.new" "$work/daemon.json"
}

# Slow: routers answer, the filtered target never does (one 3 s timeout round).
slow=(--proto icmp -q 1 -Q 0 -m 8 --timeout 3000 203.0.113.66)
fast=(--proto icmp -q 1 -Q 0 -m 8 203.0.113.5)

"$topology" up "$prefix" --routers 4
# A host name that resolves to the metadata address, for the after-resolution rule.
mkdir -p "/etc/netns/${prefix}c"
echo "169.254.169.254 metadata.test" >"/etc/netns/${prefix}c/hosts"

# --- phase 1: bounds, destinations, roles, quotas, connections ---------------------------------------
write_config '{"max_traceroute_queries": 3, "max_e2e_queries": 20, "max_ttl": 16, "min_timeout_ms": 100,
  "max_timeout_ms": 5000, "ports": ["33434-33534"], "protocols": ["icmp", "udp"], "concurrent_traces": 1,
  "queued_traces": 1, "max_connections": 8, "rate_per_minute": 6000, "burst": 1000}' 2
check "the policy file validates (--check-config)" "$work/datadog-tracerouted" --check-config --config "$work/daemon.json"
# --user root: uid 0 with CAP_NET_RAW alone whether or not the package's user exists here
start_daemon "$socket" --user root --config "$work/daemon.json"
check "daemon started" test -S "$socket"

trace warmup "$A" "${fast[@]}"
succeeded warmup
baseline=$(fd_count)
echo "# daemon descriptors after the first trace: $baseline"

trace queries "$A" --proto icmp -q 4 -Q 0 -m 8 203.0.113.5
refused queries INVALID_REQUEST 'traceroute queries 4 is above the limit of 3 for role "user" (roles.user.max_traceroute_queries)'
trace ttl "$A" --proto icmp -q 1 -Q 0 -m 17 203.0.113.5
refused ttl INVALID_REQUEST 'max TTL 17 is above the limit of 16 for role "user" (roles.user.max_ttl)'
trace longtimeout "$A" --proto icmp -q 1 -Q 0 -m 8 --timeout 6000 203.0.113.5
refused longtimeout INVALID_REQUEST 'timeout (ms) 6000 is above the limit of 5000'
trace shorttimeout "$A" --proto icmp -q 1 -Q 0 -m 8 --timeout 50 203.0.113.5
refused shorttimeout INVALID_REQUEST 'timeout (ms) 50 is below the minimum of 100'
trace e2e "$A" --proto icmp -q 1 -Q 21 -m 8 203.0.113.5
refused e2e INVALID_REQUEST 'e2e queries 21 is above the limit of 20'
trace tcp "$A" --proto tcp -q 1 -Q 0 -m 8 -p 443 203.0.113.5
refused tcp POLICY_DENIED 'protocol tcp is not allowed for role "user" (roles.user.protocols)'
trace port "$A" --proto udp -q 1 -Q 0 -m 8 -p 53 203.0.113.5
refused port INVALID_REQUEST 'port 53 is not allowed for role "user" (roles.user.ports: 33434-33534)'
trace hostport "$A" --proto udp -q 1 -Q 0 -m 8 203.0.113.5:53
refused hostport INVALID_REQUEST 'port 53 is not allowed'
trace denylist "$A" --proto icmp -q 1 -Q 0 -m 8 203.0.113.77
refused denylist POLICY_DENIED 'destination 203.0.113.77 is denied by 203.0.113.77 (destinations.deny)'
trace metadata "$A" --proto icmp -q 1 -Q 0 -m 8 169.254.169.254
refused metadata POLICY_DENIED 'destination 169.254.169.254 is denied by 169.254.0.0/16'
trace metadata_name "$A" --proto icmp -q 1 -Q 0 -m 8 metadata.test
refused metadata_name POLICY_DENIED 'destination 169.254.169.254 is denied by 169.254.0.0/16'
trace multicast "$A" --proto udp -q 1 -Q 0 -m 8 224.0.0.1
refused multicast POLICY_DENIED 'destination 224.0.0.1 is denied by 224.0.0.0/4'
trace linklocal6 "$A" --proto icmp -q 1 -Q 0 -m 8 fe80::1
refused linklocal6 POLICY_DENIED 'destination fe80::1 is denied by fe80::/10'
trace denied "$DENIED" "${fast[@]}"
refused denied UNAUTHORIZED 'user uid:40003 (uid 40003) may not trace: role "denied" (access.denied.uids)'
trace admin "$ADMIN" --groups 40010 --proto icmp -q 4 -Q 0 -m 8 203.0.113.5
succeeded admin
check "an admin (by group) may exceed the user bounds" test "$(audit 'sum(1 for l in lines if l["uid"] == 40004 and l["role"] == "admin" and l["outcome"] == "ok")')" = 1

# Quota: B may run 1 and queue 1; a third waits for nobody.
seen=$(requests_of 40002)
trace_bg b_slow1 "$B" "${slow[@]}"; b1=$!
wait_log_count 'trace request: uid=40002 ' $(( seen + 1 ))
trace_bg b_slow2 "$B" "${slow[@]}"; b2=$!
wait_log_count 'trace request: uid=40002 ' $(( seen + 2 ))
trace b_third "$B" "${fast[@]}"
refused b_third QUOTA_EXCEEDED 'user uid:40002 already has 1 traces running and 1 waiting, the most role "user" allows (roles.user.concurrent_traces 1, roles.user.queued_traces 1)'
wait "$b1"; echo $? >"$work/b_slow1.rc"
wait "$b2"; echo $? >"$work/b_slow2.rc"
check "B's running trace completed" test "$(cat "$work/b_slow1.rc")" = 0
check "B's queued trace ran after it" test "$(cat "$work/b_slow2.rc")" = 0
check "B's queued trace waited in the queue (audit queued_ms > 2000)" \
  test "$(audit 'sum(1 for l in lines if l["uid"] == 40002 and l["outcome"] == "ok" and l["queued_ms"] > 2000)')" = 1

# Connection flood: A opens 40 and holds them; past 8 the daemon answers
# QUOTA_EXCEEDED and closes at once (refused ones are not counted); B is not
# affected. (The hostile.rpc suite floods harder and times B.)
as "$A" /usr/bin/python3 "$work/hold_connections.py" "$socket" 40 7 >"$work/flood.out" 2>&1 &
flood=$!
for _ in $(seq 100); do grep -q holding "$work/flood.out" && break; sleep 0.05; done
wait_log_count 'refused a connection: uid=65534' 1
trace flooded "$A" "${fast[@]}"
refused flooded QUOTA_EXCEEDED 'too many connections: user nobody has 8 open, the most role "user" allows (roles.user.max_connections 8)'
requests=$(( requests - 1 ))  # refused with its connection, before any request was read: nothing to audit
trace during_flood "$B" "${fast[@]}"
succeeded during_flood
wait "$flood"
check "the daemon closed the 32 connections over the limit" grep -q 'closed by the daemon: 32' "$work/flood.out" ||
  cat "$work/flood.out"

# Clients killed mid-trace (one running, one queued): cancelled, quota freed at once.
seen=$(requests_of 65534)
trace_bg killed1 "$A" "${slow[@]}"; k1=$!
wait_log_count 'trace request: uid=65534 ' $(( seen + 1 ))
trace_bg killed2 "$A" "${slow[@]}"; k2=$!
wait_log_count 'trace request: uid=65534 ' $(( seen + 2 ))
kill -KILL "$k1" "$k2"; wait "$k1" "$k2" 2>/dev/null
killed_at=$(date +%s%N)
cancel_ms=""
for _ in $(seq 500); do
  if (( $(log_count 'trace cancelled: uid=65534') >= 2 )) && (( $(fd_count) <= baseline )); then
    cancel_ms=$(( ($(date +%s%N) - killed_at) / 1000000 )); break
  fi
  sleep 0.01
done
check "both killed clients' traces were cancelled and their descriptors freed" test -n "$cancel_ms"
echo "# cancellation: traces cancelled and descriptors back to $baseline ${cancel_ms:-?} ms after the kill (polled every 10 ms)"
trace after_kill "$A" "${fast[@]}"
succeeded after_kill

# --- phase 2 (reload): fairness against a backlog ---------------------------------------------------
seen=$(requests_of 40002)
trace_bg during_reload "$B" "${slow[@]}"; r1=$!
wait_log_count 'trace request: uid=40002 ' $(( seen + 1 ))
write_config '{"concurrent_traces": 2, "queued_traces": 50, "rate_per_minute": 6000, "burst": 1000}' 2
kill -HUP "$daemon_pid"
wait_log_count 'policy reloaded' 1
check "SIGHUP reloads the policy" test "$(log_count 'policy reloaded')" = 1
wait "$r1"; echo $? >"$work/during_reload.rc"
check "a trace running through the reload completes" test "$(cat "$work/during_reload.rc")" = 0

start=$(date +%s%N); trace alone "$B" "${fast[@]}"; alone_ms=$(( ($(date +%s%N) - start) / 1000000 ))
succeeded alone
backlog=()
seen=$(requests_of 65534)
for i in $(seq 10); do trace_bg "backlog$i" "$A" "${slow[@]}"; backlog+=($!); done
wait_log_count 'trace request: uid=65534 ' $(( seen + 10 ))
start=$(date +%s%N); trace fair "$B" "${fast[@]}"; fair_ms=$(( ($(date +%s%N) - start) / 1000000 ))
succeeded fair
a_done_when_b_done=$(audit 'sum(1 for l in lines if l["uid"] == 65534 and l["target"] == "203.0.113.66" and l["outcome"] == "ok")')
for pid in "${backlog[@]}"; do wait "$pid"; done
backlog_ok=$(audit 'sum(1 for l in lines if l["uid"] == 65534 and l["target"] == "203.0.113.66" and l["outcome"] == "ok")')
check "the whole backlog completed" test "$backlog_ok" = 10
echo "# fairness: B's trace alone ${alone_ms} ms; behind A's backlog of 10 slow traces (2 slots) ${fair_ms} ms; A's backlog had ${a_done_when_b_done}/10 done when B finished"
check "B's trace finished while most of A's backlog still waited" test "$a_done_when_b_done" -le 4

# --- phase 3 (reload): the rate limit, and a bad reload keeps the old policy --------------------------
write_config '{"rate_per_minute": 1, "burst": 2}' 2
kill -HUP "$daemon_pid"
wait_log_count 'policy reloaded' 2
trace rate1 "$C" "${fast[@]}"; succeeded rate1
trace rate2 "$C" "${fast[@]}"; succeeded rate2
trace rate3 "$C" "${fast[@]}"
refused rate3 QUOTA_EXCEEDED 'rate limit: role "user" may start 1 traces per minute in bursts of 2 (roles.user.rate_per_minute, roles.user.burst); the next may start in'
echo '{"roles": {"user": {"max_ttl": "lots"}}}' >"$work/daemon.json"
kill -HUP "$daemon_pid"
wait_log_count 'policy reload failed' 1
check "a bad reload is refused with the key named" grep -q 'policy reload failed, keeping the previous policy: .*roles.user.max_ttl: must be an integer' "$work/daemon.log"
trace rate4 "$C" "${fast[@]}"
refused rate4 QUOTA_EXCEEDED 'rate limit'
trace after_bad_reload "$B" "${fast[@]}"
succeeded after_bad_reload

# --- doctor, as a user and as a denied user ----------------------------------------------------------
as "$B" "$work/datadog-traceroute" doctor --socket "$socket" >"$work/doctor.out" 2>&1
check "doctor exits 0 for a user with quota left" test $? = 0
check "doctor names the role and its rule" grep -q 'role "user" (access.default_role)' "$work/doctor.out"
check "doctor reports the daemon's capability" grep -q 'daemon holds CAP_NET_RAW' "$work/doctor.out"
as "$C" "$work/datadog-traceroute" doctor --socket "$socket" >"$work/doctor_c.out" 2>&1
check "doctor exits 1 for a user at the rate limit" test $? = 1
check "... and says so" grep -q 'rate limit reached' "$work/doctor_c.out"
as "$DENIED" "$work/datadog-traceroute" doctor --socket "$socket" >"$work/doctor_d.out" 2>&1
check "doctor exits 1 for a denied user, saying what to ask for" grep -q 'you may not trace' "$work/doctor_d.out"
as "$B" "$work/datadog-traceroute" doctor --socket "$work/run/nothing.sock" >"$work/doctor_none.out" 2>&1
check "doctor without a daemon says how to start one" grep -q 'start the daemon' "$work/doctor_none.out"
sed 's/^/# doctor: /' "$work/doctor.out"

# --- the audit trail and the daemon's state afterwards ---------------------------------------------
check "the daemon is alive" kill -0 "$daemon_pid"
check "every line of the audit log is JSON with the caller and the verdict" \
  test "$(audit 'sum(1 for l in lines if {"time","uid","user","pid","target","options","verdict","outcome","error","duration_ms"} <= set(l))')" = "$(wc -l <"$work/audit.log")"
check "one audit line per trace request ($requests)" test "$(wc -l <"$work/audit.log")" = "$requests"
check "refusals are audited with their codes" \
  test "$(audit 'sorted({l["error"]["code"] for l in lines if l["verdict"] == "refused"})')" = "['INVALID_REQUEST', 'POLICY_DENIED', 'QUOTA_EXCEEDED', 'UNAUTHORIZED']"
check "a denied destination after resolution is an allowed request that ended in POLICY_DENIED" \
  test "$(audit 'sum(1 for l in lines if l["target"] == "metadata.test" and l["verdict"] == "allowed" and l["error"]["code"] == "POLICY_DENIED")')" = 1
check "the killed clients' traces are audited as cancelled" \
  test "$(audit 'sum(1 for l in lines if l["outcome"] == "cancelled")')" = 2
sleep 0.5
final=$(fd_count)
echo "# daemon descriptors: baseline $baseline, after the suite $final"
check "the daemon's descriptor count is back to its baseline" test "$final" = "$baseline"

if (( failed > 0 )); then echo "--- daemon log (tail)"; tail -60 "$work/daemon.log"; fi
finish_checks
