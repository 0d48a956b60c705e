#!/usr/bin/env bash
# Hostile DNS: one user floods the daemon with traces to names in a zone whose
# server drops every query, and kills some of those clients mid-lookup; another
# user's traces (to a name in an answering zone, and to a literal) must still
# complete in normal time. The daemon runs as root in the client namespace,
# whose resolv.conf points at a fake DNS server on its loopback.
# Asserts: every silent-zone trace ends with code DNS (an i/o timeout) within
# the daemon's lookup deadline (plus its turn in line), at most 4 of one user's
# lookups are in flight at once, the other user is not held up, the daemon
# stays up, and its descriptors return to the baseline.
#   hostile_dns_test.sh BIN_DIR
# Exit 77 (ctest: skipped) without root or network namespaces.
set -uo pipefail

bin_dir=${1:?usage: $0 BIN_DIR}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/../testutils/harness.sh
source "$here/../testutils/harness.sh"
topology=$here/../testutils/topology.sh

require_root_and_netns

prefix="hd$(( $$ % 10000 ))"
make_work hostile-dns
dns_pid=""
trap 'stop_jobs; clean_up_suite' EXIT

deadline_s=2   # the daemon's --dns-timeout
FLOODER=nobody
OTHER=40002    # a bare uid: the test adds no account

"$topology" up "$prefix" --routers 2 >/dev/null
ip netns exec "${prefix}c" python3 "$here/../testutils/fake_dns.py" 127.0.0.1 53 \
  --address host.answer.test=203.0.113.5 --drop silent.test --log "$work/queries.log" &
dns_pid=$!
wait_udp_port "${prefix}c" 53

# The flooder may run 8 traces at once: more than its 4 lookups in flight.
cat >"$work/daemon.json" <<JSON
{"roles": {"user": {"concurrent_traces": 8, "queued_traces": 100, "burst": 100, "rate_per_minute": 6000}},
 "audit_log": "$work/audit.log"}
JSON
# An older daemon (for the before figures) has no --dns-timeout.
dns_flag=()
"$work/datadog-tracerouted" --help 2>/dev/null | grep -q -- --dns-timeout && dns_flag=(--dns-timeout "${deadline_s}s")
start_daemon "$socket" --user root --config "$work/daemon.json" "${dns_flag[@]}"

as_user() {  # as_user USER CMD...: in the client namespace, no capabilities at all
  local user=$1; shift
  local gid=$user; [[ $user == nobody ]] && gid=nogroup
  ip netns exec "${prefix}c" setpriv --reuid="$user" --regid="$gid" --clear-groups \
    --inh-caps=-all --bounding-set=-all --no-new-privs "$@"
}
now_ms() { date +%s%3N; }
# timed NAME USER TARGET: a short ICMP trace; its time (ms) in $work/NAME.ms, exit status in NAME.rc
timed() {
  local name=$1 user=$2 target=$3 start
  start=$(now_ms)
  as_user "$user" "$work/datadog-traceroute" --socket "$socket" --proto icmp -q 1 -Q 0 -m 8 "$target" \
    >"$work/$name.json" 2>"$work/$name.err"
  echo $? >"$work/$name.rc"
  echo $(( $(now_ms) - start )) >"$work/$name.ms"
}
fd_count() { find "/proc/$daemon_pid/fd" -mindepth 1 -maxdepth 1 | wc -l; }
log_count() { grep -c -- "$1" "$work/daemon.log" || true; }
silent_names_queried() { grep -c '\.silent\.test\. 1$' "$work/queries.log" 2>/dev/null || true; }

check "the daemon is up" test -S "$socket"

# --- baseline: the other user's traces with nothing else going on -----------
timed base_name "$OTHER" host.answer.test
timed base_literal "$OTHER" 203.0.113.5
check "baseline: a name in the answering zone traces (exit 0)" test "$(cat "$work/base_name.rc")" = 0 \
  || cat "$work/base_name.err"
check "baseline: a literal traces (exit 0)" test "$(cat "$work/base_literal.rc")" = 0
for _ in $(seq 50); do (( $(fd_count) > 0 )) && [[ $(log_count "trace done") -ge 2 ]] && break; sleep 0.1; done
sleep 0.5  # the shared capture closes once the last run is done
base_fds=$(fd_count)

# --- the flood: 12 traces to silent names, 4 of them killed mid-lookup --------
flood=12
start=$(now_ms)
pids=()
for i in $(seq "$flood"); do
  # Not through as_user: $! must be the client itself (ip netns exec and
  # setpriv exec it), so that a kill reaches it.
  ip netns exec "${prefix}c" setpriv --reuid="$FLOODER" --regid=nogroup --clear-groups --inh-caps=-all \
    --bounding-set=-all --no-new-privs "$work/datadog-traceroute" --socket "$socket" --proto icmp -q 1 -Q 0 -m 8 \
    "n$i.silent.test" >"$work/flood$i.json" 2>"$work/flood$i.err" &
  pids+=($!)
done
for _ in $(seq 100); do (( $(log_count "trace request: uid=65534") >= flood )) && break; sleep 0.05; done
sleep 0.3
in_flight=$(silent_names_queried)
check "the flooder's lookups in flight are bounded (4 of 8 running traces; saw $in_flight names asked)" \
  test "$in_flight" -ge 1 -a "$in_flight" -le 4

# Meanwhile the other user: a name in the answering zone, and a literal.
timed during_name "$OTHER" host.answer.test
timed during_literal "$OTHER" 203.0.113.5

killed=(1 2 3 4)
for i in "${killed[@]}"; do kill "${pids[$(( i - 1 ))]}" 2>/dev/null; done

survivors=()
for i in $(seq "$flood"); do
  [[ " ${killed[*]} " == *" $i "* ]] && continue
  wait "${pids[$(( i - 1 ))]}"
  echo $? >"$work/flood$i.rc"
  survivors+=("$i")
done
flood_ms=$(( $(now_ms) - start ))

check "during the flood: the other user's name traces (exit 0)" test "$(cat "$work/during_name.rc")" = 0
check "during the flood: the other user's literal traces (exit 0)" test "$(cat "$work/during_literal.rc")" = 0
# Generous: normal time is the baseline; a stalled lookup would take the deadline or more.
for what in name literal; do
  base=$(cat "$work/base_$what.ms") during=$(cat "$work/during_$what.ms")
  echo "# the other user's $what trace: ${base} ms alone, ${during} ms during the flood"
  check "during the flood: the other user's $what trace takes normal time (${during} ms, alone ${base} ms)" \
    test "$during" -le $(( 2 * base + 1000 )) -a "$during" -lt $(( deadline_s * 1000 ))
done

all_dns=1
for i in "${survivors[@]}"; do
  if [[ $(cat "$work/flood$i.rc") != 1 ]] || ! grep -q '(code DNS)' "$work/flood$i.err" \
    || ! grep -qE "failed to resolve host \\\\?\"n$i\\.silent\\.test\\\\?\": (lookup n$i\\.silent\\.test on [^ ]+: )?i/o timeout" \
      "$work/flood$i.err"; then
    all_dns=0
    echo "--- flood$i: rc $(cat "$work/flood$i.rc")"; cat "$work/flood$i.err"
  fi
done
check "every silent-zone trace ends with code DNS, an i/o timeout (${#survivors[@]} traces)" test "$all_dns" = 1
# 8 survivors, 4 lookups at a time: two rounds of the deadline, plus one for the
# killed clients' lookups ahead of them, plus slack.
echo "# the flood of ${#survivors[@]} silent traces (and ${#killed[@]} killed) ended after ${flood_ms} ms"
check "the silent-zone traces end within their turns of the deadline (${flood_ms} ms)" \
  test "$flood_ms" -le $(( 3 * deadline_s * 1000 + 4000 ))
for _ in $(seq 100); do (( $(log_count "trace cancelled") >= ${#killed[@]} )) && break; sleep 0.05; done
check "the killed clients' traces were cancelled in the daemon" test "$(log_count "trace cancelled")" -ge "${#killed[@]}"

for _ in $(seq 100); do (( $(fd_count) <= base_fds )) && break; sleep 0.1; done
end_fds=$(fd_count)
check "daemon descriptors back to the baseline ($base_fds, now $end_fds)" test "$end_fds" -le "$base_fds"
check "the daemon is still running" kill -0 "$daemon_pid"
check "no handler threw in the engine" test "$(log_count "unexpected exception")" = 0

# A trace after it all still works.
timed after_name "$OTHER" host.answer.test
check "after the flood: the answering zone still traces" test "$(cat "$work/after_name.rc")" = 0

# A clean stop; a sanitized daemon reports leaks and errors at exit.
kill -TERM "$daemon_pid"
wait "$daemon_pid"
stop_rc=$?
daemon_pid=""
check "the daemon stops cleanly on SIGTERM (exit $stop_rc)" test "$stop_rc" = 0
check "no sanitizer report in the daemon's log" test "$(log_count "Sanitizer")" = 0

if (( failed > 0 )); then echo "--- daemon log (tail)"; tail -40 "$work/daemon.log"; fi
finish_checks
