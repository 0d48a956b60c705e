#!/usr/bin/env bash
# Hostile local user, least privilege (issue 14, item 8): the daemon started as
# root by hand keeps CAP_NET_RAW alone and becomes the user --user names; what
# it does later (traces with the shared and the per-trace capture, the HTTP
# listener bound below 1024, the audit log reopened on SIGHUP after a rotation,
# its socket removed on SIGTERM) still works; the audit file is never followed
# through a symbolic link; doctor shows the daemon's uid and capabilities.
# A test user and group are created for the run and removed after.
#   hostile_priv_test.sh BIN_DIR
# Exit 77 (ctest: skipped) without root, network namespaces or useradd.
set -uo pipefail

bin_dir=${1:?usage: $0 BIN_DIR}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/../testutils/harness.sh
source "$here/../testutils/harness.sh"
topology=$here/../testutils/topology.sh

require_root_and_netns
for tool in useradd userdel groupadd groupdel curl; do
  command -v "$tool" >/dev/null || { echo "skipped: needs $tool"; exit 77; }
done

prefix="hp$(( $$ % 10000 ))"
make_work priv
tuser="ddtrpriv$(( $$ % 100000 ))"   # the user the daemon becomes
tgroup="ddtrprivg$(( $$ % 100000 ))"  # a supplementary group of that user

cleanup() {
  clean_up_suite
  userdel "$tuser" >/dev/null 2>&1
  groupdel "$tgroup" >/dev/null 2>&1
}
trap cleanup EXIT
trap 'exit 1' TERM INT  # ctest's timeout too: the test user and group must not outlive the run

groupadd --system "$tgroup" || { echo "skipped: groupadd failed"; exit 77; }
useradd --system --no-create-home --user-group --shell /usr/sbin/nologin --groups "$tgroup" "$tuser" ||
  { echo "skipped: useradd failed"; exit 77; }
tuid=$(id -u "$tuser") tgid=$(id -g "$tuser") sgid=$(getent group "$tgroup" | cut -d: -f3)

# The daemon reads it again after the drop (and on every SIGHUP): readable by all.
cat >"$work/daemon.json" <<EOF
{"roles": {"user": {"rate_per_minute": 100000, "burst": 100000}}, "audit_log": "$work/log/audit.log"}
EOF
chmod 644 "$work/daemon.json"

log_count() { grep -c -- "$1" "$work/daemon.log"; }
status_field() { awk -v k="$2:" -v OFS='\t' '$1 == k {$1 = ""; sub(/^\t/, ""); print}' "/proc/$1/status"; }
net_raw_alone() {  # PID: effective, permitted and bounding CAP_NET_RAW alone, nothing inheritable or ambient
  [[ $(status_field "$1" CapEff) == 0000000000002000 && $(status_field "$1" CapPrm) == 0000000000002000 &&
     $(status_field "$1" CapBnd) == 0000000000002000 && $(status_field "$1" CapInh) == 0000000000000000 &&
     $(status_field "$1" CapAmb) == 0000000000000000 && $(status_field "$1" NoNewPrivs) == 1 ]]
}

stop_daemon() {  # SIGTERM; true when it exits 0 within 5 s
  kill -TERM "$daemon_pid"
  for _ in $(seq 50); do kill -0 "$daemon_pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$daemon_pid" 2>/dev/null && return 1
  wait "$daemon_pid"; local rc=$?; daemon_pid=""
  (( rc == 0 ))
}

trace() {  # trace NAME SOCKET ARGS...: as nobody; JSON to $work/NAME.json, status to $work/NAME.rc
  local name=$1 sock=$2; shift 2
  as_nobody "$work/datadog-traceroute" --socket "$sock" "$@" >"$work/$name.json" 2>"$work/$name.err"
  echo $? >"$work/$name.rc"
}

doctor() {  # doctor NAME SOCKET: as nobody, output to $work/NAME.out, status to $work/NAME.rc
  as_nobody "$work/datadog-traceroute" doctor --socket "$2" >"$work/$1.out" 2>&1
  echo $? >"$work/$1.rc"
}

"$topology" up "$prefix" --routers 2
hops=$("$topology" hops "$prefix" --routers 2 | tr '\n' ' ')
hops6=$("$topology" hops6 "$prefix" --routers 2 | tr '\n' ' ')

# --- 1. --user NAME: the switch, the sets, the directories it made ------------------------
# The socket's and the audit log's directories do not exist: the daemon makes them, for the user.
# HTTP on port 80 of the namespace's loopback: only root may bind it, before the drop.
sock=$work/sock/daemon.sock
check "daemon starts as root with --user $tuser (and HTTP on port 80)" \
  start_daemon "$sock" --config "$work/daemon.json" --user "$tuser" --http-listen 127.0.0.1:80
check "/proc: real, effective, saved and fs uid are $tuser's ($tuid)" \
  test "$(status_field "$daemon_pid" Uid)" = "$(printf '%s\t%s\t%s\t%s' "$tuid" "$tuid" "$tuid" "$tuid")"
check "/proc: every gid is $tuser's ($tgid)" \
  test "$(status_field "$daemon_pid" Gid)" = "$(printf '%s\t%s\t%s\t%s' "$tgid" "$tgid" "$tgid" "$tgid")"
check "/proc: supplementary groups are the user's (initgroups: $tgroup, $sgid)" \
  bash -c "grep -qw '$sgid' <<<'$(status_field "$daemon_pid" Groups)'"
check "/proc: CapEff, CapPrm, CapBnd = CAP_NET_RAW alone; CapInh, CapAmb empty; NoNewPrivs" net_raw_alone "$daemon_pid"
check "the log says whom it became" grep -q "switched to $tuser (uid $tuid, gid $tgid), with CAP_NET_RAW alone" "$work/daemon.log"
check "the socket's directory it created is the user's" test "$(stat -c %U "$work/sock")" = "$tuser"
check "the audit log's directory it created is the user's, 0750" test "$(stat -c '%U %a' "$work/log")" = "$tuser 750"

# --- 2. traces after the drop: the shared capture, every protocol, both families ----------
trace icmp4 "$sock" --proto icmp -q 2 -Q 2 --timeout 1000 -m 10 203.0.113.5
check "ICMP (shared capture) as nobody exits 0" test "$(cat "$work/icmp4.rc")" = 0
judge icmp4 --hops "$hops" --runs 2 --e2e 2
trace udp6 "$sock" --proto udp -q 1 -Q 1 --timeout 1000 -m 10 2001:db8:ffff::5
check "UDP over IPv6 (shared capture) exits 0" test "$(cat "$work/udp6.rc")" = 0
judge udp6 --hops "$hops6" --runs 1 --e2e 1 --source 2001:db8:1:1::1 --protocol udp --run-port 33434
trace tcp4 "$sock" --proto tcp -p 443 -q 1 -Q 1 --timeout 1000 -m 10 203.0.113.5
check "TCP SYN (shared capture) exits 0" test "$(cat "$work/tcp4.rc")" = 0
judge tcp4 --hops "$hops" --runs 1 --e2e 1 --protocol tcp --port 443 --run-port 443
check "the audit log it created after the drop is the user's" test "$(stat -c %U "$work/log/audit.log")" = "$tuser"
check "the audit log holds the three traces" test "$(wc -l <"$work/log/audit.log")" = 3
check "HTTP on port 80, bound before the drop, answers after it" \
  bash -c "ip netns exec '${prefix}c' curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:80/health | grep -qx 200"

# --- 3. doctor and info show the daemon's account and capabilities ------------------------
doctor doctor "$sock"
check "doctor shows the daemon's user, uid and effective capabilities" \
  grep -q "ok    daemon runs as $tuser (uid $tuid), effective capabilities: CAP_NET_RAW$" "$work/doctor.out"
check "doctor exits 0" test "$(cat "$work/doctor.rc")" = 0

# --- 4. SIGHUP after a rotation: the user creates the new file, and it keeps being written --
mv "$work/log/audit.log" "$work/log/audit.log.1"
kill -HUP "$daemon_pid"
for _ in $(seq 50); do (( $(log_count 'policy reloaded') >= 1 )) && break; sleep 0.1; done
check "SIGHUP after the rotation reloads" test "$(log_count 'policy reloaded')" = 1
trace after_rotation "$sock" --proto icmp -q 1 -Q 1 --timeout 1000 -m 10 203.0.113.5
check "a trace after the reload exits 0" test "$(cat "$work/after_rotation.rc")" = 0
check "the new audit log is the user's and has that trace" \
  test "$(stat -c %U "$work/log/audit.log") $(wc -l <"$work/log/audit.log")" = "$tuser 1"

# --- 5. a symbolic link planted at the audit path is refused, reported, not followed ------
mv "$work/log/audit.log" "$work/log/audit.log.2"
install -o "$tuser" -m 0600 /dev/null "$work/victim"  # writable by the daemon, were the link followed
ln -s "$work/victim" "$work/log/audit.log"
kill -HUP "$daemon_pid"
for _ in $(seq 50); do (( $(log_count 'policy reload failed') >= 1 )) && break; sleep 0.1; done
check "SIGHUP onto a symbolic link: the reload is refused, saying why" \
  grep -q "policy reload failed.*audit log $work/log/audit.log: it is a symbolic link (refused)" "$work/daemon.log"
trace while_refused "$sock" --proto icmp -q 1 -Q 1 --timeout 1000 -m 10 203.0.113.5
check "traces go on meanwhile" test "$(cat "$work/while_refused.rc")" = 0
check "the link was not followed (the victim is empty)" test ! -s "$work/victim"
check "the trace was audited to the file it had" test "$(wc -l <"$work/log/audit.log.2")" = 2
doctor doctor_link "$sock"
check "doctor reports the audit log unhealthy, and why" \
  grep -q "FAIL  the daemon cannot write its audit log $work/log/audit.log: .*symbolic link (refused)" "$work/doctor_link.out"
check "doctor exits 1" test "$(cat "$work/doctor_link.rc")" = 1
rm "$work/log/audit.log"
kill -HUP "$daemon_pid"
for _ in $(seq 50); do (( $(log_count 'policy reloaded') >= 2 )) && break; sleep 0.1; done
doctor doctor_fixed "$sock"
check "link removed, SIGHUP: the audit log is healthy again" grep -q "ok    audit log $work/log/audit.log$" "$work/doctor_fixed.out"

# --- 6. SIGTERM: the daemon, now the user, removes its socket -----------------------------
check "daemon exits 0 on SIGTERM" stop_daemon
check "the socket file is removed" test ! -e "$sock"

# --- 7. the per-trace capture opens its sockets after the drop ----------------------------
check "daemon starts with --per-trace-capture --user $tuser" \
  start_daemon "$sock" --config "$work/daemon.json" --user "$tuser" --per-trace-capture
check "/proc: CAP_NET_RAW alone (per-trace capture)" net_raw_alone "$daemon_pid"
trace pt_icmp4 "$sock" --proto icmp -q 2 -Q 1 --timeout 1000 -m 10 203.0.113.5
check "ICMP with a per-trace capture exits 0" test "$(cat "$work/pt_icmp4.rc")" = 0
judge pt_icmp4 --hops "$hops" --runs 2 --e2e 1
trace pt_udp4 "$sock" --proto udp -q 1 -Q 1 --timeout 1000 -m 10 203.0.113.5
check "UDP with a per-trace capture exits 0" test "$(cat "$work/pt_udp4.rc")" = 0
judge pt_udp4 --hops "$hops" --runs 1 --e2e 1 --protocol udp --run-port 33434
check "daemon exits 0 on SIGTERM (per-trace capture)" stop_daemon

# --- 8. --user root: uid 0 on purpose, CAP_NET_RAW alone ----------------------------------
# Each run below has its own audit directory: the one above is the test user's, 0750, and uid 0
# without CAP_DAC_OVERRIDE may not enter it any more than another user could.
for run in root default; do
  echo '{"roles": {"user": {"rate_per_minute": 100000, "burst": 100000}}, "audit_log": "'"$work/${run}log/audit.log"'"}' \
    >"$work/$run.json"
  chmod 644 "$work/$run.json"
done
sock_root=$work/rootrun/daemon.sock
check "daemon starts with --user root" start_daemon "$sock_root" --config "$work/root.json" --user root
check "/proc: uid 0" test "$(status_field "$daemon_pid" Uid)" = "$(printf '0\t0\t0\t0')"
check "/proc: CAP_NET_RAW alone (uid 0)" net_raw_alone "$daemon_pid"
check "the log says it stays uid 0 on request" grep -q "stays uid 0 (--user root), with CAP_NET_RAW alone" "$work/daemon.log"
trace root_icmp "$sock_root" --proto icmp -q 1 -Q 1 --timeout 1000 -m 10 203.0.113.5
check "a trace through it exits 0" test "$(cat "$work/root_icmp.rc")" = 0
doctor doctor_root "$sock_root"
check "doctor warns that the daemon runs as uid 0, with CAP_NET_RAW alone" \
  grep -q "warn  daemon runs as root (uid 0), effective capabilities: CAP_NET_RAW" "$work/doctor_root.out"
check "daemon exits 0 on SIGTERM (--user root)" stop_daemon

# --- 9. no --user: the package's user when it exists, else uid 0 and a warning ------------
sock_default=$work/defaultrun/daemon.sock
check "daemon starts without --user" start_daemon "$sock_default" --config "$work/default.json"
check "/proc: CAP_NET_RAW alone (default)" net_raw_alone "$daemon_pid"
if service_uid=$(id -u datadog-traceroute 2>/dev/null); then
  check "the package's user exists: it became datadog-traceroute ($service_uid)" \
    test "$(status_field "$daemon_pid" Uid | cut -f1)" = "$service_uid"
else
  check "no package user (container-like): it stays uid 0" test "$(status_field "$daemon_pid" Uid | cut -f1)" = 0
  check "... and the log says so" \
    grep -q "warning.*no user datadog-traceroute on this host: the daemon stays uid 0, with CAP_NET_RAW alone" "$work/daemon.log"
fi
trace default_icmp "$sock_default" --proto icmp -q 1 -Q 1 --timeout 1000 -m 10 203.0.113.5
check "a trace through it exits 0" test "$(cat "$work/default_icmp.rc")" = 0
check "daemon exits 0 on SIGTERM (default)" stop_daemon
check "its socket file is removed" test ! -e "$sock_default"

# --- 10. refused starts: an unknown user; an audit path that is a symbolic link -----------
ip netns exec "${prefix}c" "$work/datadog-tracerouted" --foreground --socket "$work/nouser/d.sock" \
  --config "$work/daemon.json" --user "nosuch$tuser" >"$work/nouser.out" 2>&1
check "--user with no such user: the start is refused" test $? != 0
check "... saying so" grep -q -- "--user nosuch$tuser: no such user" "$work/nouser.out"
mkdir -m 0755 "$work/linked"
ln -s "$work/victim" "$work/linked/audit.log"
echo '{"audit_log": "'"$work"'/linked/audit.log"}' >"$work/linked.json"; chmod 644 "$work/linked.json"
ip netns exec "${prefix}c" "$work/datadog-tracerouted" --foreground --socket "$work/linkrun/d.sock" \
  --config "$work/linked.json" --user root >"$work/linked.out" 2>&1
check "an audit path that is a symbolic link: the start is refused" test $? != 0
check "... saying why" grep -q "audit log $work/linked/audit.log: it is a symbolic link (refused)" "$work/linked.out"
check "... and its socket file is removed" test ! -e "$work/linkrun/d.sock"
check "the link was not followed (the victim is still empty)" test ! -s "$work/victim"

if (( failed > 0 )); then echo "--- daemon log"; cat "$work/daemon.log"; fi
finish_checks
