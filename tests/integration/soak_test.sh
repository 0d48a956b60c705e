#!/usr/bin/env bash
# Soak: 20 users (bare uids 41001..41020) x 50 short traces each through one
# daemon, on a 4-router network whose router 2 drops 10 % of what it forwards;
# 10 % of the clients (5 per user; ICMP, UDP and TCP in turn) are killed with
# SIGKILL at a random moment of a trace in flight. Bounded: no trace starts
# after SOAK_SECONDS (150). Afterwards: the daemon is alive, its descriptors are
# exactly the baseline ones, its probe-identity table (leased echo ids, reserved
# ports, shared-capture routes, from `doctor`) is back to the baseline, seen in
# use during the soak, its RSS is within baseline + 8 MiB, every completed trace is right
# (hops lost only past the lossy router), and the audit log has one line per
# request: "ok" for each completed trace, "cancelled" for each killed client.
#   soak_test.sh BIN_DIR [--sanitized]   (sanitized: RSS printed, not judged)
# Exit 77 (ctest: skipped) without root or network namespaces.
set -uo pipefail

bin_dir=${1:?usage: $0 BIN_DIR [--sanitized]}
sanitized=0; [[ ${2:-} == --sanitized ]] && sanitized=1
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/../testutils/harness.sh
source "$here/../testutils/harness.sh"
topology=$here/../testutils/topology.sh
checker_dir=$here/../testutils

require_root_and_netns

users=20 per_user=50 kills_per_user=5 soak_seconds=${SOAK_SECONDS:-150}
first_uid=41001
prefix="so$(( $$ % 10000 ))"
work=$(mktemp -d /tmp/ddtr-soak.XXXXXX)
chmod 755 "$work"
daemon_pid=""
loop_pids=()

cleanup() {
  local p
  for p in "${loop_pids[@]}"; do kill "$p" 2>/dev/null; done
  [[ -n $daemon_pid ]] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
  "$topology" down "$prefix" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

install -m 0755 "$bin_dir/datadog-tracerouted" "$bin_dir/datadog-traceroute" "$work/"
mkdir -m 0755 "$work/run"
mkdir -m 0777 "$work/t"
socket=$work/run/daemon.sock

cat >"$work/daemon.json" <<EOF2
{
  "roles": {"user": {"max_traceroute_queries": 3, "max_e2e_queries": 10, "max_ttl": 32, "min_timeout_ms": 100,
                     "max_timeout_ms": 5000, "concurrent_traces": 8, "queued_traces": 100, "max_connections": 64,
                     "rate_per_minute": 100000, "burst": 100000}},
  "global": {"concurrent_traces": 64},
  "audit_log": "$work/audit.log"
}
EOF2

"$topology" up "$prefix" --routers 4 --lossy-hop 2 --loss-percent 10
route_hops=$("$topology" hops "$prefix" --routers 4 | head -4 | tr '\n' ' ')

# --user root: uid 0 with CAP_NET_RAW alone whether or not the package's user exists here
ip netns exec "${prefix}c" "$work/datadog-tracerouted" --foreground --user root --socket "$socket" --log-level info \
  --config "$work/daemon.json" >>"$work/daemon.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 100); do [[ -S $socket ]] && break; sleep 0.1; done
check "daemon started" test -S "$socket"

fd_count() { find "/proc/$daemon_pid/fd" -mindepth 1 -maxdepth 1 | wc -l; }
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$daemon_pid/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$daemon_pid/stat"; }
log_count() { grep -c -- "$1" "$work/daemon.log" || true; }
# The daemon's probe-identity table as `doctor` reports it: "ECHO_IDS PORTS ROUTES".
identities() {
  client "$first_uid" doctor 2>&1 | sed -n \
    's/.*daemon probe identities: \([0-9]*\) ICMP echo ids leased, \([0-9]*\) ports reserved, \([0-9]*\) reply routes.*/\1 \2 \3/p'
}

client() {  # client UID ARGS...: in the client namespace as a bare uid, no capabilities
  local uid=$1; shift
  exec ip netns exec "${prefix}c" setpriv --reuid="$uid" --regid="$uid" --clear-groups --inh-caps=-all \
    --bounding-set=-all --no-new-privs "$work/datadog-traceroute" --socket "$socket" "$@"
}

# Warm-up: the allocator, the engine's threads and the capture have all been used
# once (20 traces at once, as in the soak) before the baseline is taken.
warm=()
for (( n = 0; n < users; n++ )); do
  ( client $(( first_uid + n )) --proto icmp -q 1 -Q 0 -m 8 --timeout 500 203.0.113.5 >/dev/null 2>&1 ) &
  warm+=($!)
done
wait "${warm[@]}"
sleep 1
base_fds=$(fd_count) base_rss=$(rss_kib)
base_ids=$(identities)
warm_requests=$(log_count 'trace request: ')

# One user's 50 traces, one after another; every tenth (5 of 50, at a place that
# differs per user) is a slow trace (the filtered target) killed at a random
# moment 0..1 s after the daemon has its request; ICMP, UDP and TCP in turn, so
# echo ids, reserved ports and capture routes are all released by cancellation.
user_loop() {
  local uid=$1 u=$(( $1 - first_uid )) i name rc pid seen target proto
  local kill_protos=(icmp udp tcp)
  target="203.0.113.$(( 10 + u ))"
  for (( i = 1; i <= per_user; i++ )); do
    (( $(date +%s) < deadline )) || break
    name="$uid.$i"
    if (( (i + u) % 10 == 0 )); then
      seen=$(grep -c "trace request: uid=$uid .*target=\"203.0.113.66\"" "$work/daemon.log")
      proto=${kill_protos[$(( (i + u) / 10 % 3 ))]}
      ( client "$uid" --proto "$proto" -q 1 -Q 0 -m 8 --timeout 3000 203.0.113.66 >/dev/null 2>&1 ) &
      pid=$!
      for _ in $(seq 200); do
        (( $(grep -c "trace request: uid=$uid .*target=\"203.0.113.66\"" "$work/daemon.log") > seen )) && break
        sleep 0.05
      done
      sleep "0.$(printf %03d $(( RANDOM % 1000 )))"
      kill -KILL "$pid" 2>/dev/null
      wait "$pid" 2>/dev/null; rc=$?
      echo "$rc" >"$work/t/$name.killed"
    else
      timeout -s KILL 30 ip netns exec "${prefix}c" setpriv --reuid="$uid" --regid="$uid" --clear-groups \
        --inh-caps=-all --bounding-set=-all --no-new-privs "$work/datadog-traceroute" --socket "$socket" \
        --proto icmp -q 1 -Q 0 -m 8 --timeout 500 "$target" >"$work/t/$name.json" 2>"$work/t/$name.err"
      echo $? >"$work/t/$name.rc"
    fi
  done
}

start_ticks=$(cpu_ticks)
started=$(date +%s%N)
deadline=$(( $(date +%s) + soak_seconds ))
for (( n = 0; n < users; n++ )); do
  user_loop $(( first_uid + n )) &
  loop_pids+=($!)
done
# Samples the identity table every 0.5 s while the users run: the peak shows it
# was really in use (and so that "back to the baseline" means something).
( peak=(0 0 0)
  while [[ ! -e $work/soak.done ]]; do
    read -r -a now <<<"$(identities)"
    for k in 0 1 2; do (( ${now[k]:-0} > peak[k] )) && peak[k]=${now[k]}; done
    echo "${peak[*]}" >"$work/ids.peak"
    sleep 0.5
  done ) &
sampler=$!
wait "${loop_pids[@]}"
loop_pids=()
touch "$work/soak.done"; wait "$sampler"
wall_ms=$(( ($(date +%s%N) - started) / 1000000 ))
cpu_s=$(awk -v t=$(( $(cpu_ticks) - start_ticks )) -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", t / hz}')

completed=$(find "$work/t" -name '*.rc' | wc -l)
killed=$(find "$work/t" -name '*.killed' | wc -l)
failed_clients=$(grep -Lx 0 "$work"/t/*.rc 2>/dev/null | wc -l)
killed_by_signal=$(grep -lx 137 "$work"/t/*.killed 2>/dev/null | wc -l)

# Idle again: every request has its audit line, descriptors back (connections closing).
requests=$(( $(log_count 'trace request: ') - warm_requests ))
for _ in $(seq 100); do
  (( $(wc -l <"$work/audit.log") >= requests + warm_requests )) && (( $(fd_count) <= base_fds )) && break
  sleep 0.1
done
sleep 1
end_fds=$(fd_count) end_rss=$(rss_kib)
end_ids=$(identities)
read -r peak_echo peak_ports peak_routes <<<"$(cat "$work/ids.peak" 2>/dev/null || echo 0 0 0)"

echo "# soak: $users users x $per_user traces planned, $completed completed, $killed killed ($killed_by_signal by SIGKILL mid-trace)"
echo "# soak: wall ${wall_ms} ms, daemon CPU ${cpu_s} s, $requests trace requests seen by the daemon"
echo "# soak: daemon fds $base_fds before, $end_fds after; VmRSS $base_rss KiB before, $end_rss KiB after ($(( end_rss - base_rss )) KiB)"
echo "# soak: probe identities (echo ids, ports, routes) ${base_ids:-?} before, ${end_ids:-?} after;" \
  "peak seen $peak_echo echo ids, $peak_ports ports, $peak_routes routes"

check "daemon alive after the soak" kill -0 "$daemon_pid"
check "the soak ran every trace within its ${soak_seconds} s bound ($(( completed + killed )) of $(( users * per_user )))" \
  test $(( completed + killed )) = $(( users * per_user ))
check "10 % of the clients were killed ($killed)" test "$killed" = $(( users * kills_per_user ))
check "every killed client died of SIGKILL mid-trace" test "$killed_by_signal" = "$killed"
check "every other client exited 0 ($failed_clients did not)" test "$failed_clients" = 0
if (( failed_clients > 0 )); then
  for f in $(grep -Lx 0 "$work"/t/*.rc | head -3); do echo "--- $f: $(cat "$f")"; cat "${f%.rc}.err"; done
fi
check "daemon descriptors exactly back to the baseline ($base_fds)" test "$end_fds" = "$base_fds"
check "doctor reports the probe-identity table (baseline '$base_ids', after '$end_ids')" \
  test -n "$base_ids" -a -n "$end_ids"
check "probe-identity table idle at the baseline: no echo id, port or route held ($base_ids)" test "$base_ids" = "0 0 0"
check "probe-identity table exactly back to the baseline after the kill storm ($end_ids)" test "$end_ids" = "$base_ids"
check "the table was in use during the soak (peak $peak_echo echo ids, $peak_routes routes)" \
  test "$peak_echo" -ge 1 -a "$peak_routes" -ge 1
# RSS: glibc keeps freed memory in its per-thread arenas instead of returning it,
# and 20 concurrent connections' Cap'n Proto buffers and the engine's run state
# peak during the soak; 8 MiB over the warmed-up baseline allows for that and
# still catches a leak of 8 KiB or more per trace (1000 traces).
if (( sanitized )); then
  echo "# soak: sanitized build: RSS not judged (the sanitizer's shadow memory and quarantine)"
else
  check "daemon VmRSS within baseline + 8 MiB ($base_rss -> $end_rss KiB)" test "$end_rss" -le $(( base_rss + 8192 ))
fi

# Every completed trace judged (one process for all of them): lost hops only past router 2.
judged=$(python3 - "$checker_dir" "$work/t" "$route_hops" "$first_uid" <<'PY'
import contextlib, glob, io, os, sys
checker_dir, tdir, route_hops, first_uid = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
sys.path.insert(0, checker_dir)
import check_trace
good = bad = lost = 0
for f in sorted(glob.glob(os.path.join(tdir, "*.json"))):
    uid = int(os.path.basename(f).split(".")[0])
    target = f"203.0.113.{10 + uid - first_uid}"
    sys.argv = ["check_trace.py", f, "--label", os.path.basename(f), "--hops", route_hops + target,
                "--runs", "1", "--e2e", "0", "--lossy", "--lossy-from", "3"]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            rc = check_trace.main()
        except Exception as e:  # not JSON at all
            print(f"not ok - {f}: {e!r}")
            rc = 1
    if rc == 0:
        good += 1
        lost += "(lost)" in out.getvalue()
    else:
        bad += 1
        if bad <= 3:
            sys.stderr.write("".join(l + "\n" for l in out.getvalue().splitlines() if l.startswith("not ok")))
print(good, bad, lost)
PY
)
read -r judged_good judged_bad judged_lossy <<<"$judged"
echo "# soak: $judged_good completed traces judged right, $judged_lossy of them with lost hops; $judged_bad wrong"
check "every completed trace is right ($judged_good of $completed; lost hops only past router 2)" \
  test "${judged_bad:-1}" = 0 -a "${judged_good:-0}" = "$completed"

audit() {  # audit PYTHON-EXPR over the soak's lines (the warm-up's are skipped): a value
  python3 -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])][int(sys.argv[3]):]
print(eval(sys.argv[2]))' "$work/audit.log" "$1" "$warm_requests"
}
check "the audit log has one line per request ($requests)" test "$(audit 'len(lines)')" = "$requests"
check "... $(( completed + killed )) requests, one per client" test "$requests" = $(( completed + killed ))
check "... 'ok' for every completed trace ($completed)" test "$(audit 'sum(l["outcome"] == "ok" for l in lines)')" = "$completed"
check "... 'cancelled' for every killed client ($killed), all to the filtered target" \
  test "$(audit 'sum(l["outcome"] == "cancelled" and l["target"] == "203.0.113.66" for l in lines)')" = "$killed"
check "... every line from one of the soak's uids" \
  test "$(audit "sum($first_uid <= l['uid'] < $(( first_uid + users )) for l in lines)")" = "$requests"
check "the daemon logged a cancellation per killed client" \
  test "$(log_count 'trace cancelled: ')" = "$killed"

finish_checks
