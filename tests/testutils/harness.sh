# Sourced by the integration scripts: the skip rule, running as nobody, and the
# counters and checks they report with ("ok - ...", "not ok - ...", then
# "N passed, N failed"), and the prologue most suites share (below).

harness_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Exit 77 (ctest: skipped) unless this is root on a kernel with network namespaces.
require_root_and_netns() {
  local why="skipped: needs root and network namespaces"
  if [[ $(id -u) != 0 ]]; then echo "$why"; exit 77; fi
  if ! ip netns add "ddtrprobe$$" 2>/dev/null; then echo "$why"; exit 77; fi
  ip netns del "ddtrprobe$$"
}

# Runs "$@" inside the calling script's client namespace, "${prefix}c" (the
# topology's), as nobody with no capabilities at all: the unprivileged user
# the daemon must serve.
as_nobody() {
  ip netns exec "${prefix}c" setpriv --reuid=nobody --regid=nogroup --clear-groups \
    --inh-caps=-all --bounding-set=-all --no-new-privs "$@"
}

passed=0 failed=0
ok() { echo "ok - $*"; passed=$(( passed + 1 )); }
not_ok() { echo "not ok - $*"; failed=$(( failed + 1 )); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }

# The summary line ctest's log shows; the status says whether all passed.
finish_checks() {
  echo "$passed passed, $failed failed"
  (( failed == 0 ))
}

# Waits (up to 10 s) until something listens on UDP PORT in namespace NS: a
# fake server written in Python may take seconds to start on a loaded machine,
# and a query sent before it binds is lost, not retried in time.
wait_udp_port() {
  local ns=$1 port=$2
  for _ in $(seq 200); do
    ip netns exec "$ns" ss -Hlun "sport = :$port" | grep -q . && return 0
    sleep 0.05
  done
  echo "  (nothing listens on udp port $port in $ns after 10 s)"
  return 1
}

# ---- The daemon-and-client prologue most suites share ---------------------------------
# They set bin_dir, prefix and topology before calling these; $work, $socket and
# $daemon_pid are the suite's from then on.

# make_work TAG: a fresh $work (/tmp/ddtr-TAG.XXXXXX, readable by nobody) holding
# the daemon and the client as copies `nobody` can run whatever the build
# tree's modes, and $work/run for $socket. daemon_pid starts empty.
make_work() {
  work=$(mktemp -d "/tmp/ddtr-$1.XXXXXX")
  chmod 755 "$work"
  daemon_pid=""
  install -m 0755 "$bin_dir/datadog-tracerouted" "$bin_dir/datadog-traceroute" "$work/"
  mkdir -m 0755 "$work/run"
  socket=$work/run/daemon.sock
}

# write_open_policy [AUDIT_LOG]: $work/daemon.json for suites that test
# tracing, not quotas (policy_test.sh does those): role user gets the whole
# range, and the audit log goes to AUDIT_LOG ($work/audit.log by default).
write_open_policy() {
  cat >"$work/daemon.json" <<JSON
{
  "roles": {"user": {"max_traceroute_queries": 100, "max_e2e_queries": 1000, "max_ttl": 255, "min_timeout_ms": 1,
                     "max_timeout_ms": 60000, "concurrent_traces": 64, "max_connections": 64, "rate_per_minute": 100000,
                     "burst": 100000}},
  "audit_log": "${1:-$work/audit.log}"
}
JSON
}

# Stops the daemon if one runs (SIGTERM, waited for) and forgets it.
kill_daemon() {
  [[ -n $daemon_pid ]] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
  daemon_pid=""
}

# The usual EXIT trap (a suite with helpers of its own stops them, then calls
# this): the daemon stopped, the topology down, $work removed (kept with
# KEEP_WORK=1, to look at after a failure).
clean_up_suite() {
  kill_daemon
  "$topology" down "$prefix" >/dev/null 2>&1
  [[ -n ${KEEP_WORK:-} ]] || rm -rf "$work"
}

# Stops the suite's background jobs (fake servers, clients left running); for
# an EXIT trap, before clean_up_suite.
stop_jobs() { jobs -p | xargs -r kill 2>/dev/null; }

# start_daemon SOCKET [DAEMON FLAGS...]: the daemon in the client namespace, in
# the background (daemon_pid is the daemon itself), logging to $work/daemon.log;
# true once SOCKET exists, false if it died first or 10 s passed. Call it
# directly or through `check`, not in a subshell, so daemon_pid sticks.
start_daemon() {
  local sock=$1; shift
  ip netns exec "${prefix}c" "$work/datadog-tracerouted" --foreground --socket "$sock" --log-level debug "$@" \
    >>"$work/daemon.log" 2>&1 &
  daemon_pid=$!
  for _ in $(seq 100); do [[ -S $sock ]] && return 0; kill -0 "$daemon_pid" 2>/dev/null || break; sleep 0.1; done
  return 1
}

# trace NAME ARGS...: the client as nobody against $socket; stdout to
# $work/NAME.json, stderr to $work/NAME.err, exit status to $work/NAME.rc.
trace() {
  local name=$1; shift
  as_nobody "$work/datadog-traceroute" --socket "$socket" "$@" >"$work/$name.json" 2>"$work/$name.err"
  echo $? >"$work/$name.rc"
}

# judge NAME CHECKER-ARGS...: $work/NAME.json through check_trace.py, its
# "ok"/"not ok" lines counted as this suite's; a checker that fails without a
# "not ok" (no JSON at all) counts as one failure, and the output is shown.
judge() {
  local name=$1; shift
  local out rc
  out=$(python3 "$harness_dir/check_trace.py" "$work/$name.json" --label "$name" "$@" 2>&1); rc=$?
  echo "$out"
  passed=$(( passed + $(grep -c '^ok - ' <<<"$out" || true) ))
  failed=$(( failed + $(grep -c '^not ok - ' <<<"$out" || true) ))
  if (( rc != 0 )); then
    grep -q '^not ok - ' <<<"$out" || failed=$(( failed + 1 ))
    echo "--- $name stdout"; cat "$work/$name.json"; echo "--- $name stderr"; cat "$work/$name.err"
  fi
}
