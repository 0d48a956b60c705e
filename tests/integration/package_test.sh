#!/usr/bin/env bash
# The Debian package, on this machine, for real:
#   1. cpack builds the .deb from the build tree; its control data is checked
#      (name, dependencies from dpkg-shlibdeps, conffile, maintainer scripts);
#   2. `apt-get install ./datadog-traceroute_*.deb`: every file in place with its
#      owner and mode, the service user and group, the log directory, the socket
#      unit enabled; the installed units verify and score <= 2.0;
#   3. the INSTALLED daemon serves a trace in a namespace network, socket-activated,
#      as the package's user with CAP_NET_RAW alone; the installed client runs as
#      `nobody`;
#   4. the installed package under a real systemd (PID 1 of a container sharing
#      this machine's /usr and the package's users, enablement and config): the
#      enabled socket listens at boot and the client's default socket path reaches
#      the daemon;
#   5. reinstalling keeps an edited conffile; `dpkg --remove` keeps the
#      configuration and the user; `dpkg --purge` leaves nothing behind.
#
#   package_test.sh BUILD_DIR SOURCE_DIR
# It installs and purges the package `datadog-traceroute` on this machine (purging
# first any copy a previous run left). Release builds only (CMake option
# DDTR_PACKAGE_TEST). Exit 77 (ctest: skipped) without root, namespaces or tools.
set -uo pipefail

build_dir=${1:?usage: $0 BUILD_DIR SOURCE_DIR}
source_dir=${2:?usage: $0 BUILD_DIR SOURCE_DIR}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/../testutils/harness.sh
source "$here/../testutils/harness.sh"
testutils=$here/../testutils
topology=$testutils/topology.sh
package=datadog-traceroute
user=datadog-traceroute

if [[ $(id -u) != 0 ]]; then echo "skipped: needs root (it installs the package) and network namespaces"; exit 77; fi
missing=()
for tool in cpack dpkg dpkg-deb dpkg-shlibdeps apt-get deb-systemd-helper adduser systemd-analyze systemd-socket-activate \
            setpriv unshare nsenter systemd-nspawn systemd-id128 python3 file; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if (( ${#missing[@]} > 0 )); then
  echo "skipped: missing ${missing[*]} (scripts/deps installs them)"
  exit 77
fi
if ! ip netns add "ddtrprobe$$" 2>/dev/null; then echo "skipped: needs root and network namespaces"; exit 77; fi
ip netns del "ddtrprobe$$"

# shellcheck source=SCRIPTDIR/../testutils/systemd_container.sh
source "$testutils/systemd_container.sh"

prefix="pk$(( $$ % 10000 ))"
machine="ddtr-$prefix"
work=$(mktemp -d /tmp/ddtr-pk.XXXXXX)
chmod 755 "$work"
activator_pid=""
stashed_logs=""  # a /var/log/datadog-traceroute found without the package, set aside

installed() { dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null | grep -qv '^not-installed$'; }
dpkg_quiet() { dpkg --force-confdef --force-confold "$@" >>"$work/dpkg.log" 2>&1; }
cleanup() {
  container_stop "$machine"
  [[ -n $activator_pid ]] && kill "$activator_pid" 2>/dev/null && wait "$activator_pid" 2>/dev/null
  "$topology" down "$prefix" >/dev/null 2>&1
  installed && dpkg_quiet --purge "$package"
  if [[ -n $stashed_logs && -e $stashed_logs ]]; then
    rm -rf /var/log/datadog-traceroute
    mv "$stashed_logs" /var/log/datadog-traceroute
  fi
  rm -rf "$work"
}
trap cleanup EXIT

count() {
  echo "$1"
  passed=$(( passed + $(grep -c '^ok - ' <<<"$1" || true) ))
  failed=$(( failed + $(grep -c '^not ok - ' <<<"$1" || true) ))
}
owner_mode() { stat -c '%U:%G %a' "$1" 2>/dev/null; }
has() {  # has FILE "USER:GROUP MODE"
  local got
  got=$(owner_mode "$1")
  if [[ $got == "$2" ]]; then ok "$1 is $2"; else not_ok "$1 is $2 (found: ${got:-nothing})"; fi
}

if installed; then
  echo "# a previous run left $package installed: purging it first"
  dpkg_quiet --purge "$package"
fi
# With no package installed, a log directory here is someone else's: a daemon
# run by hand as root with the built-in defaults creates it (root:root), and
# postinst then leaves it alone. Set it aside for the test, put it back after.
if [[ -e /var/log/datadog-traceroute ]]; then
  echo "# /var/log/datadog-traceroute exists without the package: set aside for the test"
  stashed_logs=$work/stashed-var-log
  mv /var/log/datadog-traceroute "$stashed_logs"
fi

# --- 1. the .deb ----------------------------------------------------------------------------
(cd "$build_dir" && cpack -G DEB -B "$work/pkg") >"$work/cpack.log" 2>&1
check "cpack -G DEB exits 0" test $? = 0
deb=$(ls "$work"/pkg/${package}_*.deb 2>/dev/null | head -1)
check "it made $(basename "${deb:-no .deb}")" test -f "$deb"
[[ -f $deb ]] || { cat "$work/cpack.log"; echo "$passed passed, $failed failed"; exit 1; }
field() { dpkg-deb -f "$deb" "$1"; }
check "Package: $package" test "$(field Package)" = "$package"
depends=$(field Depends)
echo "# Depends: $depends"
for dep in libc6 libstdc++6 libsystemd0 libcapnp-0.9.2 libspdlog libc-ares2 libssl3 adduser init-system-helpers; do
  check "Depends names $dep" grep -q "$dep" <<<"$depends"
done
check "conffiles lists /etc/datadog-traceroute/daemon.json" \
  grep -qx /etc/datadog-traceroute/daemon.json <(dpkg-deb -I "$deb" conffiles)
control=$(dpkg-deb --ctrl-tarfile "$deb" | tar -tvf -)
for script in postinst prerm postrm; do
  check "maintainer script $script is there, 0755" grep -qE "^-rwxr-xr-x .* \./$script$" <<<"$control"
done
contents=$(dpkg-deb -c "$deb")
check "every file in the .deb belongs to root:root" test -z "$(awk '$2 != "root/root"' <<<"$contents")"
check "no path of the build machine in the .deb" test -z "$(grep -E "$build_dir|$source_dir" <<<"$contents")"

# --- 2. apt-get install ----------------------------------------------------------------------
# apt resolves the dependencies (Debian packages) and runs dpkg; the lock may be
# another engineer's for a while.
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=300 "$deb" \
  >"$work/apt.log" 2>&1
rc=$?
check "apt-get install ./$(basename "$deb") exits 0" test "$rc" = 0
(( rc == 0 )) || sed 's/^/# /' "$work/apt.log"
check "dpkg says it is installed" test "$(dpkg-query -W -f='${db:Status-Status}' "$package")" = installed
if [[ ! -d /run/systemd/system ]]; then
  check "postinst: systemd is not running, so it enabled the socket without starting it, and said so" \
    grep -q "systemd is not running; datadog-tracerouted.socket is enabled and will start at boot" "$work/apt.log"
fi

has /usr/sbin/datadog-tracerouted "root:root 755"
has /usr/bin/datadog-traceroute "root:root 755"
has /lib/systemd/system/datadog-tracerouted.socket "root:root 644"
has /lib/systemd/system/datadog-tracerouted.service "root:root 644"
has /etc/datadog-traceroute "root:root 755"
has /etc/datadog-traceroute/daemon.json "root:root 644"
has /usr/share/doc/datadog-traceroute/README.md "root:root 644"
has /usr/share/doc/datadog-traceroute/systemd.md "root:root 644"
has /usr/share/bash-completion/completions/datadog-traceroute "root:root 644"
has /usr/share/zsh/vendor-completions/_datadog-traceroute "root:root 644"
has /usr/share/fish/vendor_completions.d/datadog-traceroute.fish "root:root 644"
check "the installed bash completion parses and completes --proto" bash -c \
  'source /usr/share/bash-completion/completions/datadog-traceroute && COMP_WORDS=(datadog-traceroute --proto i) COMP_CWORD=2 && _datadog_traceroute && test "${COMPREPLY[*]}" = icmp'
has /var/log/datadog-traceroute "$user:$user 750"
check "the installed units are the source tree's" \
  cmp -s /lib/systemd/system/datadog-tracerouted.service "$source_dir/systemd/datadog-tracerouted.service"
check "... both" cmp -s /lib/systemd/system/datadog-tracerouted.socket "$source_dir/systemd/datadog-tracerouted.socket"
check "daemon.json is packaging/daemon.json" cmp -s /etc/datadog-traceroute/daemon.json "$source_dir/packaging/daemon.json"
check "... and the installed daemon accepts it (--check-config)" \
  /usr/sbin/datadog-tracerouted --check-config --config /etc/datadog-traceroute/daemon.json
check "dpkg knows daemon.json as a conffile" \
  grep -q "/etc/datadog-traceroute/daemon.json" <(dpkg-query -W -f='${Conffiles}' "$package")
check "the installed binaries are stripped" bash -c 'file -L /usr/sbin/datadog-tracerouted | grep -q ", stripped"'
check "the installed daemon runs (--version)" bash -c '/usr/sbin/datadog-tracerouted --version | grep -q "^datadog-tracerouted "'
# The client's no-daemon mode uses the caller's own CAP_NET_RAW; it must never get one of its own.
check "the installed client is a plain 0755 binary (no setuid/setgid bit)" \
  test "$(stat -c %a /usr/bin/datadog-traceroute)" = 755
check "... with no file capabilities" bash -c '! command -v getcap >/dev/null || test -z "$(getcap /usr/bin/datadog-traceroute)"'

passwd_entry=$(getent passwd "$user")
group_entry=$(getent group "$user")
echo "# $passwd_entry"
check "the group $user exists" test -n "$group_entry"
check "the user $user exists" test -n "$passwd_entry"
IFS=: read -r _ _ p_uid p_gid _ p_home p_shell <<<"$passwd_entry"
IFS=: read -r _ _ g_gid _ <<<"$group_entry"
check "... a system user (uid $p_uid < 1000)" test "${p_uid:-1000}" -lt 1000
check "... whose primary group is $user" test "${p_gid:-x}" = "${g_gid:-y}"
check "... with no login shell" test "$p_shell" = /usr/sbin/nologin
check "... and no home ($p_home does not exist)" test ! -e "${p_home:-/}"
check "the socket unit is enabled: sockets.target.wants/ links to it" \
  test "$(readlink /etc/systemd/system/sockets.target.wants/datadog-tracerouted.socket)" = /lib/systemd/system/datadog-tracerouted.socket
check "deb-systemd-helper recorded it (for purge)" test -e /var/lib/systemd/deb-systemd-helper-enabled/datadog-tracerouted.socket.dsh-also

verify_out=$(systemd-analyze verify /lib/systemd/system/datadog-tracerouted.socket /lib/systemd/system/datadog-tracerouted.service 2>&1)
verify_rc=$?
check "systemd-analyze verify of the installed units (ExecStart= really there): exit 0" test "$verify_rc" = 0
check "... and no message" test -z "$verify_out"
[[ -n $verify_out ]] && sed 's/^/# /' <<<"$verify_out"
score=$(systemd-analyze security --offline=true --no-pager /lib/systemd/system/datadog-tracerouted.service 2>&1 |
  sed -n 's/.*Overall exposure level for datadog-tracerouted.service: \([0-9.]*\).*/\1/p')
check "systemd-analyze security --offline=true of the installed service: ${score:-none} <= 2.0" \
  python3 -c "import sys; sys.exit(not float('${score:-99}') <= 2.0)"

# --- 3. the installed daemon in a namespace network, as the package's user --------------
"$topology" up "$prefix" --routers 2
hops=$("$topology" hops "$prefix" --routers 2 | tr '\n' ' ')
mkdir -m 0755 "$work/run"
socket=$work/run/daemon.sock
# As the units do: systemd's socket (here systemd-socket-activate's), the
# service's user and capability sets (setpriv), its umask.
(
  umask 0077
  exec ip netns exec "${prefix}c" systemd-socket-activate -l "$socket" \
    setpriv --reuid="$user" --regid="$user" --init-groups --inh-caps=-all,+net_raw --ambient-caps=-all,+net_raw \
      --bounding-set=-all,+net_raw --no-new-privs /usr/sbin/datadog-tracerouted
) >"$work/daemon.log" 2>&1 &
activator_pid=$!
for _ in $(seq 100); do [[ -S $socket ]] && break; sleep 0.1; done
chmod 0666 "$socket"
judge() {  # judge NAME CHECKER-ARGS...
  local name=$1; shift
  check "$name: the installed client as nobody exits 0" test "$(cat "$work/$name.rc")" = 0
  local out
  out=$(python3 "$testutils/check_trace.py" "$work/$name.json" --label "$name" "$@" 2>&1)
  if [[ $? != 0 ]] && ! grep -q '^not ok - ' <<<"$out"; then
    not_ok "$name: a JSON document"
    sed 's/^/# /' "$work/$name.json" "$work/$name.err"
  fi
  count "$out"
}
ip netns exec "${prefix}c" setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all --bounding-set=-all \
  --no-new-privs /usr/bin/datadog-traceroute --socket "$socket" --proto icmp -q 1 -Q 1 203.0.113.5 \
  >"$work/icmp4.json" 2>"$work/icmp4.err"
echo $? >"$work/icmp4.rc"
judge icmp4 --hops "$hops" --runs 1 --e2e 1
check "icmp4: the destination 203.0.113.5 was reached" python3 -c \
  'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(d["traceroute"]["runs"][0]["hops"][-1]["ip_address"] != "203.0.113.5" or not d["traceroute"]["runs"][0]["hops"][-1]["reachable"])' \
  "$work/icmp4.json"
check "the daemon served systemd-socket-activate's socket" grep -q "(socket passed by systemd)" "$work/daemon.log"
daemon_pid=$activator_pid  # systemd-socket-activate, then setpriv, exec'd into the daemon
status=$(cat "/proc/$daemon_pid/status" 2>/dev/null)
check "the daemon ran as $user" grep -qE "^Uid:\s+$p_uid\s+$p_uid\s+$p_uid\s+$p_uid$" <<<"$status"
check "... with CAP_NET_RAW alone (effective, permitted, bounding, ambient)" \
  test "$(grep -cE '^Cap(Eff|Prm|Bnd|Amb):\s+0000000000002000$' <<<"$status")" = 4
kill -TERM "$activator_pid"; wait "$activator_pid"; rc=$?; activator_pid=""
check "the installed daemon exits 0 on SIGTERM" test "$rc" = 0
check "it wrote the audit log of the installed policy, its own file (0600)" \
  test "$(owner_mode /var/log/datadog-traceroute/audit.log)" = "$user:$user 600"
check "... with the trace of nobody" grep -q '"uid":65534' /var/log/datadog-traceroute/audit.log

# --- 4. the installed package under a real systemd --------------------------------------
# The container shares this machine's /usr (the installed binaries and units) and
# gets, read-only, the package's users, its configuration and the enablement
# symlink postinst made; nothing else from this machine's /etc.
mkdir -m 0755 "$work/wants"
cp -P /etc/systemd/system/sockets.target.wants/datadog-tracerouted.socket "$work/wants/"
if container_boot "$machine" "${prefix}c" "$work" \
    --bind-ro=/etc/passwd --bind-ro=/etc/group --bind-ro=/etc/datadog-traceroute \
    --bind-ro="$work/wants:/etc/systemd/system/sockets.target.wants"; then
  ok "systemd boots in a container with the installed package"
  in_ct() { container_exec "$machine" "$@"; }
  check "systemd: the socket the package enabled listens after boot" \
    test "$(in_ct systemctl show -p SubState --value datadog-tracerouted.socket)" = listening
  in_ct setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all --bounding-set=-all --no-new-privs \
    /usr/bin/datadog-traceroute --proto icmp -q 1 -Q 1 203.0.113.5 >"$work/ct-icmp4.json" 2>"$work/ct-icmp4.err"
  echo $? >"$work/ct-icmp4.rc"
  judge ct-icmp4 --hops "$hops" --runs 1 --e2e 1
  check "systemd: the client's default socket reached the service, now active" \
    test "$(in_ct systemctl show -p ActiveState --value datadog-tracerouted.service)" = active
  main_pid=$(in_ct systemctl show -p MainPID --value datadog-tracerouted.service)
  check "systemd: the daemon runs as $user" \
    grep -qE "^Uid:\s+$p_uid\s" <(in_ct cat "/proc/$main_pid/status")
  check "systemd: it read the installed policy and audits to LogsDirectory" \
    in_ct grep -q '"uid":65534' /var/log/datadog-traceroute/audit.log
  in_ct systemctl stop datadog-tracerouted.socket datadog-tracerouted.service
else
  not_ok "systemd boots in a container with the installed package"
  sed 's/^/# /' "$work/$machine.console"
fi
container_stop "$machine"
"$topology" down "$prefix"

# --- 5. reinstall, remove, purge -----------------------------------------------------------
dpkg -L "$package" >"$work/files.txt"
echo '{"audit_log": "/var/log/datadog-traceroute/edited.log"}' >/etc/datadog-traceroute/daemon.json
dpkg_quiet -i "$deb"
check "reinstalling (postinst again, user and directory already there) exits 0" test $? = 0
check "... keeps the edited conffile" grep -q edited.log /etc/datadog-traceroute/daemon.json
check "... and the same user" test "$(id -u "$user" 2>/dev/null)" = "$p_uid"
dpkg_quiet --remove "$package"
check "dpkg --remove exits 0" test $? = 0
check "... removes the binaries" test ! -e /usr/sbin/datadog-tracerouted -a ! -e /usr/bin/datadog-traceroute
check "... keeps the configuration" test -f /etc/datadog-traceroute/daemon.json
check "... and the user" getent passwd "$user" >/dev/null
dpkg_quiet --purge "$package"
check "dpkg --purge exits 0" test $? = 0
check "dpkg no longer knows the package" bash -c "! dpkg-query -W -f='\${db:Status-Status}' $package 2>/dev/null | grep -qv '^not-installed$'"
left=""
while read -r path; do
  [[ -d $path ]] && continue  # directories (/usr, /lib -> usr/lib, ...) are shared; ours are checked below
  [[ -e $path || -L $path ]] && left+=" $path"
done <"$work/files.txt"
check "no file of dpkg -L is left" test -z "$left"
[[ -n $left ]] && echo "# left:$left"
for dir in /etc/datadog-traceroute /var/log/datadog-traceroute /usr/share/doc/datadog-traceroute; do
  check "no $dir" test ! -e "$dir"
done
check "no user $user" bash -c "! getent passwd $user >/dev/null"
check "no group $user" bash -c "! getent group $user >/dev/null"
leftover_links=$(find /etc/systemd/system -name 'datadog-tracerouted.*' 2>/dev/null)
check "no enablement or mask symlink under /etc/systemd/system" test -z "$leftover_links"
[[ -n $leftover_links ]] && echo "# left: $leftover_links"
state=$(find /var/lib/systemd/deb-systemd-helper-enabled /var/lib/systemd/deb-systemd-helper-masked \
  -name '*datadog-tracerouted*' 2>/dev/null)
check "no deb-systemd-helper state" test -z "$state"
[[ -n $state ]] && echo "# left: $state"

if (( failed > 0 )); then
  echo "--- dpkg log"; cat "$work/dpkg.log"; echo "--- apt log"; cat "$work/apt.log"; echo "--- daemon log"; cat "$work/daemon.log"
fi
finish_checks
