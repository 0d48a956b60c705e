#!/usr/bin/env bash
# The packet budget (issue 14 item 9): one user's burst of maximal traces is
# slowed to its role's probes_per_second, never failed, and another user's
# trace at the same time is not slowed. Probes are counted on the client
# namespace's wire (tcpdump), not by the daemon's own word.
#   budget_test.sh BIN_DIR
# Exit 77 (ctest: skipped) without root or network namespaces.
set -uo pipefail

bin_dir=${1:?usage: $0 BIN_DIR}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/../testutils/harness.sh
source "$here/../testutils/harness.sh"
topology=$here/../testutils/topology.sh
require_root_and_netns
command -v tcpdump >/dev/null || { echo "skipped: needs tcpdump"; exit 77; }

prefix="bu$(( $$ % 10000 ))"
make_work budget
capture_pid=""
cleanup() {
  [[ -n $capture_pid ]] && kill "$capture_pid" 2>/dev/null && wait "$capture_pid" 2>/dev/null
  clean_up_suite
}
trap cleanup EXIT

"$topology" up "$prefix" --routers 3
rate=50
cat >"$work/daemon.json" <<EOF
{"roles": {"user": {"rate_per_minute": 100000, "burst": 100000, "probes_per_second": $rate}},
 "audit_log": "$work/audit.log"}
EOF
start_daemon "$socket" --user root --config "$work/daemon.json"
check "daemon starts" test -S "$socket"

as_user() {  # as_user UID GID ARGS...: the client as that unprivileged uid, no capabilities
  local uid=$1 gid=$2; shift 2
  ip netns exec "${prefix}c" setpriv --reuid="$uid" --regid="$gid" --clear-groups \
    --inh-caps=-all --bounding-set=-all --no-new-privs "$@"
}

as_nobody "$work/datadog-traceroute" doctor --socket "$socket" >"$work/doctor.out" 2>&1
grep -m1 'packet budget' "$work/doctor.out" | sed 's/^/# /'
check "doctor shows the packet budget (user $rate per second, the daemon's 10000)" \
  grep -q "packet budget: your traces' probes $rate per second, the daemon's 10000 per second" "$work/doctor.out"

# User A (nobody): three maximal-ish traces at once to the filtered target
# (routers 1-3 answer, TTLs 4..10 never do): 10 runs x 10 TTLs = 100 probes
# each, 300 in all. Unbounded they leave in well under a second; at 50 per
# second (bursts of 50) they need at least (300 - 50) / 50 = 5 s.
ip netns exec "${prefix}c" tcpdump -i any -n --immediate-mode -U -B 16384 -s 96 -w "$work/wire.pcap" \
  'dst host 203.0.113.66 or dst host 203.0.113.5' 2>"$work/tcpdump.err" &
capture_pid=$!
sleep 1
a_pids=()
for n in 1 2 3; do
  ( as_nobody "$work/datadog-traceroute" --socket "$socket" --proto icmp -q 10 -Q 0 -m 10 --timeout 200 \
      203.0.113.66 >"$work/a$n.json" 2>"$work/a$n.err"; echo $? >"$work/a$n.rc"; date +%s%N >"$work/a$n.end" ) &
  a_pids+=($!)
done
# User B (uid 1, "daemon"), another principal, half a second into A's burst.
sleep 0.5
b_start=$(date +%s%N)
as_user 1 1 "$work/datadog-traceroute" --socket "$socket" --proto icmp -q 1 -Q 0 -m 10 --timeout 1000 203.0.113.5 \
  >"$work/b.json" 2>"$work/b.err"
echo $? >"$work/b.rc"
b_end=$(date +%s%N)
wait "${a_pids[@]}"
sleep 0.5
kill -INT "$capture_pid"; wait "$capture_pid" 2>/dev/null; capture_pid=""
tcpdump -r "$work/wire.pcap" -n -tt >"$work/wire.txt" 2>/dev/null
grep 'dropped by kernel' "$work/tcpdump.err" | sed 's/^/# capture: /'

for n in 1 2 3; do
  check "user A's trace $n: slowed, not failed (exit 0)" test "$(cat "$work/a$n.rc")" = 0
done
check "user B's trace: exit 0" test "$(cat "$work/b.rc")" = 0
check "user B's trace: reached the destination" grep -q '"ip_address": "203.0.113.5"' "$work/b.json"
a_first_end=$(sort -n "$work"/a*.end | head -1)
check "user B's trace finished while user A's were still held back" test "$b_end" -lt "$a_first_end"
# A generous bound, not a speed claim: a 4-hop trace on an idle namespace
# network takes milliseconds; user A's probes alone need 5 s.
b_ms=$(( (b_end - b_start) / 1000000 ))
echo "# user B's trace: $b_ms ms"
check "user B's trace: not slowed by user A's budget (${b_ms} ms < 3000 ms)" test "$b_ms" -lt 3000

verdict=$(python3 - "$work/wire.txt" "$rate" <<'PY'
import sys
path, rate = sys.argv[1], float(sys.argv[2])
a = []
for line in open(path):
    parts = line.split()
    if len(parts) > 3 and "203.0.113.66" in line and "ICMP echo request" in line:
        a.append(float(parts[0]))
a.sort()
burst = rate
# GCRA: in any span T at most burst + rate x T probes; check T = 1 s windows.
worst = 0
j = 0
for i in range(len(a)):
    while a[i] - a[j] > 1.0:
        j += 1
    worst = max(worst, i - j + 1)
span = a[-1] - a[0] if a else 0
print(f"{len(a)} {worst} {span:.2f}")
PY
)
read -r a_probes a_worst a_span <<<"$verdict"
echo "# user A on the wire: $a_probes probes over $a_span s, at most $a_worst in any 1 s"
check "user A sent every probe (300 on the wire: slowed, none dropped): $a_probes" test "$a_probes" = 300
check "user A held to the budget: at most burst + rate = $(( rate * 2 )) (+2) in any second: $a_worst" \
  test "$a_worst" -le $(( rate * 2 + 2 ))
check "user A's probes spread over at least (300 - $rate) / $rate s: $a_span s" \
  python3 -c "import sys; sys.exit(0 if float('$a_span') >= (300 - $rate) / $rate - 0.05 else 1)"
check "daemon alive" kill -0 "$daemon_pid"
finish_checks
