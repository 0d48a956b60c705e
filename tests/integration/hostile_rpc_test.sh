#!/usr/bin/env bash
# hostile.rpc (issue 14: RPC flow control and connection fairness). One daemon
# (root, in a namespace network); attackers (tests/hostile/hostile_client) as
# unprivileged uids; user B's trace timed during each attack. Attacks:
#   - 300 000 info() calls pipelined on one connection, replies not read for
#     a while, then read: peak VmRSS <= baseline + 64 MiB, back near after;
#   - calls never finished (no Finish message): cut off with QUOTA_EXCEEDED;
#   - a 30 MB host name: dropped by the reader, nothing logged per attempt;
#   - a connection flood by one uid, under its role's max_connections and
#     under the global reserve: refused ones told why and closed promptly,
#     never counted, another uid gets in; the flooder's own client says
#     QUOTA_EXCEEDED (not DAEMON_UNAVAILABLE);
#   - SIGTERM while a connection holds a backlog: a clean stop.
# Also: the daemon's descriptors back to baseline, the log's growth bounded.
#   hostile_rpc_test.sh BIN_DIR HOSTILE_CLIENT [--sanitized]
# --sanitized (ASan/TSan build): the memory figures are printed, not judged
# (the sanitizer's quarantine and shadow memory are the daemon's RSS too).
# HOSTILE_DAEMON=PATH runs the same attacks against another daemon binary
# (the "before" figures); its checks are then expected to fail.
# Exit 77 (ctest: skipped) without root or network namespaces.
set -uo pipefail

bin_dir=${1:?usage: $0 BIN_DIR HOSTILE_CLIENT}
hostile_client=${2:?usage: $0 BIN_DIR HOSTILE_CLIENT}
sanitized=false
[[ ${3:-} == --sanitized ]] && sanitized=true
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/../testutils/harness.sh
source "$here/../testutils/harness.sh"
topology=$here/../testutils/topology.sh

require_root_and_netns

prefix="hr$(( $$ % 10000 ))"
make_work hostile-rpc
trap 'stop_jobs; clean_up_suite' EXIT

# HOSTILE_DAEMON: another build of the daemon to attack (for before/after figures).
[[ -n ${HOSTILE_DAEMON:-} ]] && install -m 0755 "$HOSTILE_DAEMON" "$work/datadog-tracerouted"
install -m 0755 "$hostile_client" "$work/"

A=nobody  # the attacker
B=40022   # another user (a bare uid: the test adds no account)

as_user() {  # as_user USER CMD...: in the client namespace, no capabilities
  local user=$1; shift
  local gid=$user; [[ $user == nobody ]] && gid=nogroup
  ip netns exec "${prefix}c" setpriv --reuid="$user" --regid="$gid" --clear-groups \
    --inh-caps=-all --bounding-set=-all --no-new-privs "$@"
}
attack() { as_user "$A" "$work/hostile_client" "$@"; }

fast=(--proto icmp -q 1 -Q 0 -m 8 203.0.113.5)
# timed_trace NAME USER: a fast trace; its time in ms in $work/NAME.ms, its status in NAME.rc
timed_trace() {
  local name=$1 user=$2 start
  start=$(date +%s%N)
  as_user "$user" "$work/datadog-traceroute" --socket "$socket" "${fast[@]}" >"$work/$name.json" 2>"$work/$name.err"
  echo $? >"$work/$name.rc"
  echo $(( ($(date +%s%N) - start) / 1000000 )) >"$work/$name.ms"
}
# trace_within NAME: B's trace NAME succeeded within 10x its normal time (at least 2 s)
trace_within() {
  local name=$1 ms bound=$(( normal_ms * 10 > 2000 ? normal_ms * 10 : 2000 ))
  ms=$(cat "$work/$name.ms")
  echo "# figure: B's trace $name: ${ms} ms (normal ${normal_ms} ms)"
  check "$name: B's trace completes (exit 0)" test "$(cat "$work/$name.rc")" = 0
  check "$name: B's trace took ${ms} ms, under ${bound} ms" test "$ms" -lt "$bound"
  [[ $(cat "$work/$name.rc") == 0 ]] || cat "$work/$name.err"
}

memory_check() {  # memory_check WHAT CMD...: judged unless --sanitized
  if $sanitized; then echo "# (sanitized build: not judged) $1"; else check "$@"; fi
}
fd_count() { ls "/proc/$daemon_pid/fd" | wc -l; }
kib() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$daemon_pid/status"; }  # kib VmRSS|VmHWM
alive() { kill -0 "$daemon_pid" 2>/dev/null; }
log_bytes() { stat -c %s "$work/daemon.log"; }
field() { sed -n "s/^$1: //p" "$2" | head -1; }  # field KEY FILE: the attacker's "key: value"
wait_for() {  # wait_for SECONDS CMD...: until CMD succeeds
  local tries=$(( $1 * 20 )); shift
  for _ in $(seq "$tries"); do "$@" && return 0; sleep 0.05; done
  return 1
}

write_config() {  # write_config USER-MAX-CONNECTIONS
  cat >"$work/daemon.json.new" <<EOF
{
  "roles": {"user": {"max_connections": $1}},
  "global": {"max_connections": 40},
  "audit_log": "$work/audit.log"
}
EOF
  mv "$work/daemon.json.new" "$work/daemon.json"
}

"$topology" up "$prefix" --routers 4
write_config 24
start_daemon "$socket" --user root --config "$work/daemon.json"
check "daemon started" test -S "$socket"

timed_trace warmup "$B"
check "warm-up trace by B succeeds" test "$(cat "$work/warmup.rc")" = 0
normal_ms=0
for i in 1 2 3; do
  timed_trace normal$i "$B"
  normal_ms=$(( normal_ms > $(cat "$work/normal$i.ms") ? normal_ms : $(cat "$work/normal$i.ms") ))
done
sleep 1.5  # the idle release after the last connection
baseline_fds=$(fd_count)
baseline_rss=$(kib VmRSS)
echo "# figure: baseline: ${baseline_rss} KiB resident, ${baseline_fds} descriptors, B's trace ${normal_ms} ms"

# --- 1. 300 000 info() calls pipelined on one connection, not read for 5 s, then read ----------------
log_before=$(log_bytes)
attack pipeline-info "$socket" 300000 5 >"$work/pipeline.out" 2>&1 &
attacker=$!
sleep 2  # the attacker is writing and not reading
timed_trace during_pipeline "$B"
trace_within during_pipeline
wait_for 10 grep -qs '^calls written while not reading' "$work/pipeline.out"
timed_trace while_draining "$B"  # the daemon now answers the 300 000
trace_within while_draining
wait "$attacker"
cat "$work/pipeline.out" | sed 's/^/# attacker: /'
written_held=$(field 'calls written while not reading' "$work/pipeline.out" | cut -d' ' -f1)
check "the daemon stopped reading the connection while its replies were unsent (${written_held:-?} of 300000 written)" \
  test "${written_held:-300000}" -lt 300000
check "all 300000 calls were answered once read (returns 300001)" test "$(field returns "$work/pipeline.out")" = 300001
check "past the info rate limit the calls failed with QUOTA_EXCEEDED" \
  grep -q '^first error: QUOTA_EXCEEDED: too many info calls: user nobody' "$work/pipeline.out"
check "daemon alive after the pipelined calls" alive
peak=$(kib VmHWM)
echo "# figure: pipelined info: peak ${peak} KiB resident (baseline ${baseline_rss} KiB, +$(( (peak - baseline_rss) / 1024 )) MiB)"
memory_check "peak resident memory under the flood <= baseline + 64 MiB ($(( (peak - baseline_rss) / 1024 )) MiB above)" \
  test $(( peak - baseline_rss )) -le $(( 64 * 1024 ))
near() { (( $(kib VmRSS) <= baseline_rss + 8 * 1024 )); }
wait_for 10 near
echo "# figure: pipelined info: resident after: $(kib VmRSS) KiB"
memory_check "resident memory back near baseline after (<= +8 MiB): $(kib VmRSS) KiB" near
grown=$(( $(log_bytes) - log_before ))
echo "# figure: pipelined info: diagnostic log grew ${grown} bytes"
check "the diagnostic log grew by a bounded amount (${grown} <= 16384 bytes)" test "$grown" -le 16384

# --- 2. calls never finished -----------------------------------------------------------------------
attack pipeline-info "$socket" 20000 1 --no-finish >"$work/nofinish.out" 2>&1
cat "$work/nofinish.out" | sed 's/^/# attacker: /'
check "a client that never finishes its calls is cut off with QUOTA_EXCEEDED" \
  grep -q '^abort: QUOTA_EXCEEDED: too many calls not finished on one connection' "$work/nofinish.out"
check "daemon alive after the unfinished calls" alive

# --- 2b. a 30 MB host name: refused by the reader before it is allocated ----------------------------
log_before=$(log_bytes)
for i in 1 2 3; do attack trace-target "$socket" 30000000 >"$work/bigname$i.out" 2>&1; done
sed 's/^/# attacker: /' "$work/bigname1.out"
check "a 30 MB host name is not answered as a request (the connection is dropped)" grep -q '^exception: ' "$work/bigname1.out"
check "daemon alive after three 30 MB host names" alive
grown=$(( $(log_bytes) - log_before ))
check "three 30 MB host names grew the diagnostic log by ${grown} bytes (<= 2048)" test "$grown" -le 2048
peak=$(kib VmHWM)
memory_check "peak resident memory still <= baseline + 64 MiB ($(( (peak - baseline_rss) / 1024 )) MiB above)" \
  test $(( peak - baseline_rss )) -le $(( 64 * 1024 ))

# --- 3. a connection flood by one uid, past its role's max_connections (24) ----------------------
log_before=$(log_bytes)
attack hold-connections "$socket" 200 8 >"$work/flood.out" 2>&1 &
attacker=$!
wait_for 10 grep -qs '^holding' "$work/flood.out"
timed_trace during_flood "$B"
trace_within during_flood
as_user "$A" "$work/datadog-traceroute" --socket "$socket" "${fast[@]}" >"$work/flooder.json" 2>"$work/flooder.err"
echo $? >"$work/flooder.rc"
check "the flooder's own trace: exits 1" test "$(cat "$work/flooder.rc")" = 1
check "the flooder's own trace: code QUOTA_EXCEEDED naming the limit and the user" grep -qF \
  'too many connections: user nobody has 24 open, the most role "user" allows (roles.user.max_connections 24) (code QUOTA_EXCEEDED)' \
  "$work/flooder.err"
check "the flooder's own trace: not DAEMON_UNAVAILABLE, no advice to start the daemon" \
  bash -c "! grep -qE 'DAEMON_UNAVAILABLE|start it' '$work/flooder.err'"
as_user "$A" "$work/datadog-traceroute" doctor --socket "$socket" >"$work/flooder_doctor.out" 2>&1
check "the flooder's doctor: the daemon refused, too many connections" \
  grep -qF 'the daemon refused: too many connections: user nobody has 24 open' "$work/flooder_doctor.out"
sed 's/^/# flooder: /' "$work/flooder.err"
wait "$attacker"
cat "$work/flood.out" | sed 's/^/# attacker: /'
check "the 176 connections over the limit were closed by the daemon" test "$(field 'closed by the daemon' "$work/flood.out")" = 176
slowest=$(field 'slowest close ms' "$work/flood.out")
echo "# figure: connection flood: refused connections closed within ${slowest} ms"
check "refused connections closed promptly (slowest ${slowest} ms < 2000)" test "${slowest:-99999}" -lt 2000
check "each was told why: QUOTA_EXCEEDED, the limit, the user" grep -qF \
  'reason: QUOTA_EXCEEDED: too many connections: user nobody has 24 open, the most role "user" allows (roles.user.max_connections 24)' \
  "$work/flood.out"
grown=$(( $(log_bytes) - log_before ))
echo "# figure: connection flood: diagnostic log grew ${grown} bytes"
check "the diagnostic log grew by a bounded amount (${grown} <= 16384 bytes)" test "$grown" -le 16384

# --- 4. the same flood when the role allows more than the daemon holds: the reserve --------------
write_config 1000
kill -HUP "$daemon_pid"
wait_for 10 grep -qs 'policy reloaded' "$work/daemon.log"
attack hold-connections "$socket" 200 8 >"$work/flood2.out" 2>&1 &
attacker=$!
wait_for 10 grep -qs '^holding' "$work/flood2.out"
timed_trace during_flood2 "$B"
trace_within during_flood2
wait "$attacker"
cat "$work/flood2.out" | sed 's/^/# attacker: /'
check "one uid holds at most 35 of global.max_connections 40 (165 closed)" \
  test "$(field 'closed by the daemon' "$work/flood2.out")" = 165
check "told why: the share of the global limit kept for other users" grep -qF \
  'reason: QUOTA_EXCEEDED: too many connections: user nobody has 35 open, the most one user may hold (global.max_connections 40 less the 5 kept for other users)' \
  "$work/flood2.out"

# --- the end: descriptors, then SIGTERM while a connection holds a backlog -------------------------
fds_back() { (( $(fd_count) <= baseline_fds )); }
wait_for 10 fds_back
echo "# figure: descriptors at the end: $(fd_count) (baseline ${baseline_fds})"
check "descriptors back to baseline ($(fd_count) <= ${baseline_fds})" fds_back
check "daemon alive after every attack" alive

attack pipeline-info "$socket" 300000 30 >"$work/term.out" 2>&1 &
attacker=$!
sleep 2
kill -TERM "$daemon_pid"
wait "$daemon_pid"
status=$?
daemon_pid=""
kill "$attacker" 2>/dev/null
wait "$attacker" 2>/dev/null
check "SIGTERM with a backlog on a connection: the daemon stops cleanly (exit ${status})" test "$status" = 0
check "... and says so" grep -q 'stopped' "$work/daemon.log"
if grep -qE 'AddressSanitizer|runtime error|terminate called' "$work/daemon.log"; then
  not_ok "the daemon log shows a crash or sanitizer report"
  grep -E 'AddressSanitizer|runtime error|terminate called' "$work/daemon.log" | head -5
else
  ok "no crash or sanitizer report in the daemon log"
fi

finish_checks
