#!/usr/bin/env bash
# The systemd units and the daemon's systemd side:
#   1. `systemd-analyze verify` is clean on both units (the build's daemon shown at
#      /usr/sbin/datadog-tracerouted by an overlay in a private mount namespace);
#   2. `systemd-analyze security --offline=true` rates the service <= 2.0;
#   3. socket activation without systemd: systemd-socket-activate holds the socket
#      and starts the daemon on the first connection, the daemon running as an
#      unprivileged uid with only CAP_NET_RAW (setpriv, as the unit's User=,
#      AmbientCapabilities= and CapabilityBoundingSet= would), under strace, with a
#      fake NOTIFY_SOCKET; clients as `nobody` trace every protocol through it in a
#      namespace network; READY=1 and STOPPING=1 arrive; every system call, socket
#      family, file and mapping it used is checked against the unit's sandbox;
#   4. the real thing: the units under systemd 252 as PID 1, in a systemd-nspawn
#      container that joins the test network: socket activation, Type=notify, the
#      sandbox applied by systemd, a trace as `nobody`, restart on failure.
#
#   systemd_units_test.sh BIN_DIR UNIT_DIR [--sanitized]
# --sanitized (ASan/UBSan build): step 3 runs without strace and its sandbox check,
# and step 4 is skipped: the sanitizers' own system calls (ptrace for
# LeakSanitizer, ...) are not the daemon's, and the package ships the Release one.
# Exit 77 (ctest: skipped) without root, network namespaces or the tools.
set -uo pipefail

bin_dir=${1:?usage: $0 BIN_DIR UNIT_DIR [--sanitized]}
unit_dir=${2:?usage: $0 BIN_DIR UNIT_DIR [--sanitized]}
sanitized=0
[[ ${3:-} == --sanitized ]] && sanitized=1
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/../testutils/harness.sh
source "$here/../testutils/harness.sh"
testutils=$here/../testutils
topology=$testutils/topology.sh

if [[ $(id -u) != 0 ]]; then echo "skipped: needs root and network namespaces"; exit 77; fi
missing=()
for tool in systemd-analyze systemd-socket-activate setpriv strace unshare nsenter systemd-nspawn systemd-id128 python3; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if (( ${#missing[@]} > 0 )); then
  echo "skipped: missing ${missing[*]} (scripts/deps installs them: systemd, systemd-container, strace, util-linux)"
  exit 77
fi
if ! ip netns add "ddtrprobe$$" 2>/dev/null; then echo "skipped: needs root and network namespaces"; exit 77; fi
ip netns del "ddtrprobe$$"

# shellcheck source=SCRIPTDIR/../testutils/systemd_container.sh
source "$testutils/systemd_container.sh"

prefix="su$(( $$ % 10000 ))"
machine="ddtr-$prefix"
work=$(mktemp -d /tmp/ddtr-su.XXXXXX)
chmod 755 "$work"
daemon_pid="" launcher_pid="" notify_pid="" dns_pid="" http_pid=""

cleanup() {
  container_stop "$machine"
  local pid
  for pid in $daemon_pid $launcher_pid $notify_pid $dns_pid $http_pid; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
  "$topology" down "$prefix" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

count() {  # count OUTPUT: adds the ok/not ok lines of a helper's output
  echo "$1"
  passed=$(( passed + $(grep -c '^ok - ' <<<"$1" || true) ))
  failed=$(( failed + $(grep -c '^not ok - ' <<<"$1" || true) ))
}

socket_unit=$unit_dir/datadog-tracerouted.socket
service_unit=$unit_dir/datadog-tracerouted.service
install -m 0755 "$bin_dir/datadog-tracerouted" "$bin_dir/datadog-traceroute" "$work/"
mkdir -m 0755 "$work/sbin" && cp "$work/datadog-tracerouted" "$work/sbin/"

# --- 1. systemd-analyze verify ----------------------------------------------------------
# verify insists that ExecStart= exists; the units are checked as shipped, with the
# build's daemon at /usr/sbin only inside this private mount namespace.
verify_out=$(unshare -m --propagation private sh -c \
  'mount -t overlay ddtr-sbin -o "lowerdir=$1:/usr/sbin" /usr/sbin && systemd-analyze verify "$2" "$3"' \
  sh "$work/sbin" "$socket_unit" "$service_unit" 2>&1)
verify_rc=$?
[[ -n $verify_out ]] && sed 's/^/# /' <<<"$verify_out"
check "systemd-analyze verify: both units, exit 0" test "$verify_rc" = 0
check "systemd-analyze verify: no message at all" test -z "$verify_out"

# --- 2. systemd-analyze security --offline=true -------------------------------------------
security_out=$(systemd-analyze security --offline=true --no-pager "$service_unit" 2>&1)
score=$(sed -n 's/.*Overall exposure level for datadog-tracerouted.service: \([0-9.]*\).*/\1/p' <<<"$security_out")
echo "# systemd-analyze security --offline=true: ${score:-no score}"
grep '✗' <<<"$security_out" | sed 's/^/#   /'
check "offline security score is printed" test -n "$score"
check "offline security score $score <= 2.0" python3 -c "import sys; sys.exit(not float('$score') <= 2.0)"
check "systemd-analyze security --threshold=20 accepts it" \
  systemd-analyze security --offline=true --threshold=20 --no-pager "$service_unit" >/dev/null 2>&1

# --- 3. socket activation without systemd, the unit's credentials, a fake manager --------
"$topology" up "$prefix" --routers 2
hops=$("$topology" hops "$prefix" --routers 2 | tr '\n' ' ')
hops6=$("$topology" hops6 "$prefix" --routers 2 | tr '\n' ' ')
mkdir -m 0755 "$work/run"
socket=$work/run/daemon.sock
# A uid and gid with no account, as DynamicUser= would give (the package's
# datadog-traceroute user may not exist yet).
uid=61$(( $$ % 1000 + 100 ))
while getent passwd "$uid" >/dev/null || getent group "$uid" >/dev/null; do uid=$(( uid + 1 )); done
# The policy file: all defaults but the audit log, which goes to a directory of
# this uid's standing in for LogsDirectory=/var/log/datadog-traceroute.
mkdir -m 0750 "$work/log" && chown "$uid:$uid" "$work/log"
printf '{"audit_log": "%s"}\n' "$work/log/audit.log" >"$work/daemon.json"
ip netns exec "${prefix}c" python3 "$testutils/fake_notify.py" "$work/notify.sock" "$work/notify.log" \
  >"$work/notify.out" 2>&1 &
notify_pid=$!
for _ in $(seq 50); do [[ -S $work/notify.sock ]] && break; sleep 0.1; done
# systemd-socket-activate binds the socket and execs (in the same process) setpriv,
# which takes the unit's identity and capability sets and execs the daemon. It
# passes on only the variables named by -E. A sanitized daemon runs without
# strace (LeakSanitizer ptraces its own threads), with the sanitizers' options.
tracer=(strace -f -qq -o "$work/strace.txt")
extra_env=()
if (( sanitized )); then
  tracer=()
  for var in ASAN_OPTIONS UBSAN_OPTIONS; do [[ -n ${!var:-} ]] && extra_env+=(-E "$var"); done
fi
(
  umask 0077  # the unit's UMask=
  exec ip netns exec "${prefix}c" "${tracer[@]}" \
    systemd-socket-activate -l "$socket" -E "NOTIFY_SOCKET=$work/notify.sock" "${extra_env[@]}" \
    setpriv --reuid="$uid" --regid="$uid" --clear-groups --inh-caps=-all,+net_raw --ambient-caps=-all,+net_raw \
      --bounding-set=-all,+net_raw --no-new-privs \
    "$work/datadog-tracerouted" --log-level debug --config "$work/daemon.json" --public-ip-url http://127.0.0.1:8091/ip
) >"$work/daemon.log" 2>&1 &
launcher_pid=$!  # strace, or (sanitized) the daemon itself after the execs
for _ in $(seq 100); do [[ -S $socket ]] && break; sleep 0.1; done
check "systemd-socket-activate created the socket" test -S "$socket"
chmod 0666 "$socket"  # the socket unit's SocketMode=0666
check "no READY=1 before the first connection (the daemon is not started yet)" \
  test "$(grep -c READY=1 "$work/notify.log")" = 0

trace() {  # trace NAME ARGS...
  local name=$1; shift
  as_nobody "$work/datadog-traceroute" --socket "$socket" "$@" >"$work/$name.json" 2>"$work/$name.err"
  echo $? >"$work/$name.rc"
}
judge() {  # judge NAME CHECKER-ARGS...
  local name=$1; shift
  check "$name: client as nobody exits 0" test "$(cat "$work/$name.rc")" = 0
  local out
  out=$(python3 "$testutils/check_trace.py" "$work/$name.json" --label "$name" "$@" 2>&1)
  if [[ $? != 0 ]] && ! grep -q '^not ok - ' <<<"$out"; then
    not_ok "$name: a JSON document"
    sed 's/^/# /' "$work/$name.json" "$work/$name.err"
  fi
  count "$out"
}

trace icmp4 --proto icmp -q 1 -Q 1 --timeout 1000 203.0.113.5
judge icmp4 --hops "$hops" --runs 1 --e2e 1
check "the daemon says it serves the socket passed by systemd" \
  grep -q "listening on $socket (socket passed by systemd)" "$work/daemon.log"
check "READY=1 with a STATUS= line reached the notification socket" \
  grep -qx "READY=1 STATUS=listening on $socket" "$work/notify.log"
daemon_pid=$(ip netns pids "${prefix}c" | while read -r pid; do
  [[ $(readlink "/proc/$pid/exe" 2>/dev/null) == "$work/datadog-tracerouted" ]] && echo "$pid"; done | head -1)
status=$(cat "/proc/$daemon_pid/status" 2>/dev/null)
check "the daemon runs as uid $uid" grep -qE "^Uid:\s+$uid\s+$uid\s+$uid\s+$uid$" <<<"$status"
for set in CapEff CapPrm CapBnd CapAmb; do
  check "its $set is CAP_NET_RAW alone" grep -qE "^$set:\s+0000000000002000$" <<<"$status"
done
check "it has no_new_privs" grep -qE "^NoNewPrivs:\s+1$" <<<"$status"

# Every protocol, both families, DNS and HTTP: the system calls of every path.
ip netns exec "${prefix}c" python3 "$testutils/fake_dns.py" 127.0.0.1 53 "192.0.2.6=r1.example." \
  >"$work/dns.log" 2>&1 &
dns_pid=$!
wait_udp_port "${prefix}c" 53
mkdir -p "$work/www" && printf '198.51.100.77\n' >"$work/www/ip"
ip netns exec "${prefix}c" python3 -m http.server 8091 --bind 127.0.0.1 --directory "$work/www" >"$work/http.log" 2>&1 &
http_pid=$!
for _ in $(seq 50); do ip netns exec "${prefix}c" ss -Htln 'sport = :8091' | grep -q . && break; sleep 0.1; done
trace udp4 --proto udp -q 1 -Q 1 --timeout 1000 203.0.113.5
judge udp4 --hops "$hops" --runs 1 --e2e 1 --protocol udp --run-port 33434
for method in syn syn_socket sack; do
  trace "tcp4-$method" --proto tcp --tcp-method "$method" -p 443 -q 1 -Q 1 --timeout 1000 203.0.113.5
  judge "tcp4-$method" --hops "$hops" --runs 1 --e2e 1 --protocol tcp --port 443 --run-port 443
done
trace icmp6 --proto icmp -q 1 -Q 1 --timeout 1000 2001:db8:ffff::5
judge icmp6 --hops "$hops6" --runs 1 --e2e 1 --source 2001:db8:1:1::1
trace tcp6 --proto tcp -p 443 -q 1 -Q 1 --timeout 1000 2001:db8:ffff::5
judge tcp6 --hops "$hops6" --runs 1 --e2e 1 --source 2001:db8:1:1::1 --protocol tcp --port 443 --run-port 443
trace rdns --proto icmp -q 1 -Q 1 --timeout 1000 --reverse-dns 203.0.113.5
judge rdns --hops "$hops" --runs 1 --e2e 1 --reverse-dns "1=r1.example."
trace pubip --proto icmp -q 1 -Q 0 --timeout 1000 --source-public-ip 203.0.113.5
check "pubip: client as nobody exits 0" test "$(cat "$work/pubip.rc")" = 0
check "pubip: the public IP from the fake checker (HTTP from the daemon)" python3 -c \
  'import json,sys; sys.exit(json.load(open(sys.argv[1]))["source"]["public_ip"] != "198.51.100.77")' "$work/pubip.json"

kill -TERM "$daemon_pid"
for _ in $(seq 50); do kill -0 "$daemon_pid" 2>/dev/null || break; sleep 0.1; done
wait "$launcher_pid"; rc=$?; launcher_pid="" daemon_pid=""
check "the daemon exits 0 on SIGTERM" test "$rc" = 0
check "STOPPING=1 reached the notification socket after READY=1" \
  python3 -c 'import sys; l=[x.split()[0] for x in open(sys.argv[1]) if x[0] != "#"]; sys.exit(l[:2] != ["READY=1", "STOPPING=1"])' \
  "$work/notify.log"
check "the daemon left systemd's socket file in place" test -S "$socket"
check "the audit log is the daemon's alone (UMask=0077: 0600)" test "$(stat -c '%u %a' "$work/log/audit.log")" = "$uid 600"
check "... with a line per trace" test "$(grep -c '"uid":65534' "$work/log/audit.log")" -ge 9
sed 's/^/# notify: /' "$work/notify.log"
if (( sanitized )); then
  echo "# sanitized build: the sandbox check of the strace and the container are skipped (Release only)"
else
  count "$(python3 "$testutils/check_strace.py" "$work/strace.txt" "$work/datadog-tracerouted" "$service_unit" \
    --logs-dir "$work/log" --label "strace of the socket-activated daemon" 2>&1)"
fi
kill "$dns_pid" "$http_pid" 2>/dev/null; wait "$dns_pid" "$http_pid" 2>/dev/null; dns_pid="" http_pid=""

# --- 4. the units under a real systemd (PID 1 of a container in the test network) --------
if (( sanitized == 0 )); then
  mkdir -m 0755 "$work/etc" "$work/etc/wants" "$work/opt"
  cp "$socket_unit" "$service_unit" "$work/etc/"
  ln -s /etc/systemd/system/datadog-tracerouted.socket "$work/etc/wants/datadog-tracerouted.socket"  # = systemctl enable
  echo 'u datadog-traceroute - "datadog-traceroute daemon" / /usr/sbin/nologin' >"$work/etc/sysusers.conf"
  cp "$work/datadog-traceroute" "$work/opt/"
  if container_boot "$machine" "${prefix}c" "$work" --sbin-overlay "$work/sbin" \
      --bind-ro="$work/etc/datadog-tracerouted.socket:/etc/systemd/system/datadog-tracerouted.socket" \
      --bind-ro="$work/etc/datadog-tracerouted.service:/etc/systemd/system/datadog-tracerouted.service" \
      --bind-ro="$work/etc/wants:/etc/systemd/system/sockets.target.wants" \
      --bind-ro="$work/etc/sysusers.conf:/etc/sysusers.d/datadog-traceroute.conf" \
      --bind-ro="$work/opt:/opt/ddtr"; then
    ok "systemd boots as PID 1 in a container"
    in_ct() { container_exec "$machine" "$@"; }
    unit_state() { in_ct systemctl show -p "$2" --value "$1"; }
    check "systemd: the enabled socket listens after boot" test "$(unit_state datadog-tracerouted.socket SubState)" = listening
    check "systemd: the socket file is 0666" test "$(in_ct stat -c %a /run/datadog-traceroute/daemon.sock)" = 666
    check "systemd: the service waits for a first connection" test "$(unit_state datadog-tracerouted.service ActiveState)" = inactive
    in_ct setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all --bounding-set=-all --no-new-privs \
      /opt/ddtr/datadog-traceroute --proto icmp -q 1 -Q 1 --timeout 1000 203.0.113.5 >"$work/ct-icmp4.json" 2>"$work/ct-icmp4.err"
    echo $? >"$work/ct-icmp4.rc"
    judge ct-icmp4 --hops "$hops" --runs 1 --e2e 1
    check "systemd: the service is active (Type=notify: READY=1 arrived)" \
      test "$(unit_state datadog-tracerouted.service ActiveState)" = active
    check "systemd: its status is the daemon's STATUS= line" \
      test "$(unit_state datadog-tracerouted.service StatusText)" = "listening on /run/datadog-traceroute/daemon.sock"
    main_pid=$(unit_state datadog-tracerouted.service MainPID)
    ct_status=$(in_ct cat "/proc/$main_pid/status")
    ct_uid=$(in_ct id -u datadog-traceroute)
    check "systemd: the daemon runs as datadog-traceroute ($ct_uid)" \
      grep -qE "^Uid:\s+$ct_uid\s+$ct_uid\s+$ct_uid\s+$ct_uid$" <<<"$ct_status"
    for set in CapEff CapPrm CapBnd CapAmb; do
      check "systemd: its $set is CAP_NET_RAW alone" grep -qE "^$set:\s+0000000000002000$" <<<"$ct_status"
    done
    check "systemd: no_new_privs and a seccomp filter" \
      bash -c 'grep -qE "^NoNewPrivs:\s+1$" <<<"$1" && grep -qE "^Seccomp:\s+2$" <<<"$1"' sh "$ct_status"
    in_ct journalctl -q --no-pager -u datadog-tracerouted.service >"$work/ct.journal" 2>&1
    check "systemd: the journal says the daemon serves systemd's socket" \
      grep -q "listening on /run/datadog-traceroute/daemon.sock (socket passed by systemd)" "$work/ct.journal"
    check "systemd: plain log lines for the journal (no --foreground)" grep -q "datadog-tracerouted\[[0-9]*\]: info: " "$work/ct.journal"
    check "systemd: LogsDirectory /var/log/datadog-traceroute is the user's, 0750" \
      test "$(in_ct stat -c '%U %a' /var/log/datadog-traceroute)" = "datadog-traceroute 750"
    check "systemd: the audit log (default policy) is there, the user's, 0600" \
      test "$(in_ct stat -c '%U %a' /var/log/datadog-traceroute/audit.log)" = "datadog-traceroute 600"
    check "systemd: ... with the trace of nobody" in_ct grep -q '"uid":65534' /var/log/datadog-traceroute/audit.log
    in_ct systemctl reload datadog-tracerouted.service
    for _ in $(seq 50); do
      in_ct journalctl -q --no-pager -u datadog-tracerouted.service | grep -q "policy reloaded" && break
      sleep 0.1
    done
    check "systemd: systemctl reload (SIGHUP) reloads the policy" grep -q "policy reloaded from /etc/datadog-traceroute/daemon.json" \
      <(in_ct journalctl -q --no-pager -u datadog-tracerouted.service)
    check "systemd: ... in the same process, still active" \
      test "$(unit_state datadog-tracerouted.service MainPID) $(unit_state datadog-tracerouted.service ActiveState)" = "$main_pid active"
    live=$(in_ct systemd-analyze security --no-pager datadog-tracerouted.service 2>&1 |
      sed -n 's/.*Overall exposure level for datadog-tracerouted.service: \([0-9.]*\).*/\1/p')
    echo "# systemd-analyze security of the running service: $live"
    check "systemd: the running service's security score $live <= 2.0" \
      python3 -c "import sys; sys.exit(not float('${live:-99}') <= 2.0)"
    in_ct systemctl stop datadog-tracerouted.service 2>&1 | sed 's/^/# /'  # (systemd warns that the socket stays)
    check "systemd: the service stops cleanly" test "$(unit_state datadog-tracerouted.service Result)" = success
    check "systemd: the daemon logged SIGTERM" grep -q "signal 15 received, shutting down" \
      <(in_ct journalctl -q --no-pager -u datadog-tracerouted.service)
    check "systemd: the socket outlives the service" test "$(unit_state datadog-tracerouted.socket SubState)" = listening
    check "systemd: ... and its file too" in_ct test -S /run/datadog-traceroute/daemon.sock
    in_ct setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all --bounding-set=-all --no-new-privs \
      /opt/ddtr/datadog-traceroute --proto udp -q 1 -Q 1 --timeout 1000 203.0.113.5 >"$work/ct-udp4.json" 2>"$work/ct-udp4.err"
    echo $? >"$work/ct-udp4.rc"
    judge ct-udp4 --hops "$hops" --runs 1 --e2e 1 --protocol udp --run-port 33434
    check "systemd: the next connection starts the service again" \
      test "$(unit_state datadog-tracerouted.service ActiveState)" = active
    in_ct systemctl kill -s SEGV datadog-tracerouted.service
    for _ in $(seq 50); do
      [[ $(unit_state datadog-tracerouted.service NRestarts) == 1 && $(unit_state datadog-tracerouted.service SubState) == running ]] && break
      sleep 0.1
    done
    check "systemd: Restart=on-failure restarts a crashed daemon" \
      test "$(unit_state datadog-tracerouted.service NRestarts) $(unit_state datadog-tracerouted.service SubState)" = "1 running"
    in_ct systemctl stop datadog-tracerouted.socket datadog-tracerouted.service
    check "systemd: stopping the socket unit removes the socket file (RemoveOnStop=yes)" \
      in_ct test ! -e /run/datadog-traceroute/daemon.sock
    in_ct systemctl start datadog-tracerouted.service
    check "systemd: starting the service starts its socket (Requires=)" \
      test "$(unit_state datadog-tracerouted.socket SubState)" = running
    # systemd/README.md's drop-in: only the datadog-traceroute group may connect.
    in_ct systemctl stop datadog-tracerouted.service datadog-tracerouted.socket 2>/dev/null
    in_ct sh -c 'mkdir -p /etc/systemd/system/datadog-tracerouted.socket.d &&
      printf "[Socket]\nSocketGroup=datadog-traceroute\nSocketMode=0660\n" >/etc/systemd/system/datadog-tracerouted.socket.d/restrict.conf &&
      systemctl daemon-reload && systemctl start datadog-tracerouted.socket'
    check "systemd: README's drop-in makes the socket root:datadog-traceroute 0660" \
      test "$(in_ct stat -c '%U:%G %a' /run/datadog-traceroute/daemon.sock)" = "root:datadog-traceroute 660"
    ct_gid=$(in_ct getent group datadog-traceroute | cut -d: -f3)
    in_ct setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all --bounding-set=-all --no-new-privs \
      /opt/ddtr/datadog-traceroute --proto icmp -q 1 -Q 1 --timeout 1000 203.0.113.5 >/dev/null 2>"$work/ct-denied.err"
    check "systemd: ... nobody outside the group cannot connect" test $? = 1
    sed 's/^/#   /' "$work/ct-denied.err"
    in_ct setpriv --reuid=nobody --regid=nogroup --groups="$ct_gid" --inh-caps=-all --bounding-set=-all --no-new-privs \
      /opt/ddtr/datadog-traceroute --proto icmp -q 1 -Q 1 --timeout 1000 203.0.113.5 >"$work/ct-member.json" 2>"$work/ct-member.err"
    echo $? >"$work/ct-member.rc"
    judge ct-member --hops "$hops" --runs 1 --e2e 1
  else
    not_ok "systemd boots as PID 1 in a container"
    sed 's/^/# /' "$work/$machine.console"
  fi
  container_stop "$machine"
fi

if (( failed > 0 )); then echo "--- daemon log"; cat "$work/daemon.log"; fi
finish_checks
