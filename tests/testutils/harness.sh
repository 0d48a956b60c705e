# Sourced by the integration scripts: the skip rule, running as nobody, and the
# counters and checks they report with ("ok - ...", "not ok - ...", then
# "N passed, N failed").

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
