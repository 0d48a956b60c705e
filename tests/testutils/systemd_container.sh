# shellcheck shell=bash
# Sourced by tests: a throwaway systemd-nspawn container that boots the
# machine's own systemd as PID 1, so units run under a real service manager
# even though this machine's PID 1 is not systemd.
#
#   container_boot NAME NETNS WORKDIR [--sbin-overlay DIR] [nspawn args...]
#   container_exec NAME COMMAND...      # inside the container (all its namespaces)
#   container_stop NAME
#
# The container sees the host's /usr read-only (--volatile=yes) and an empty,
# throwaway /, /etc and /var: nothing the host enabled starts in it, only what
# the caller binds into /etc (units, enablement symlinks, users). It joins the
# network namespace NETNS (one the test made), with that namespace's
# resolv.conf (nameserver 127.0.0.1), so nothing in it can reach any address
# outside the test network. A machine id is supplied, so systemd does not treat
# the boot as a first boot and enable units by preset (it is bound read-only, so
# systemd-machine-id-commit is masked). --sbin-overlay DIR shows
# DIR's files in the container's /usr/sbin (an overlay in a private mount
# namespace; the host's /usr/sbin is not touched).

declare -gA container_dirs=()  # machine name -> the directory holding its pid files

container_boot() {
  local name=$1 netns=$2 dir=$3
  shift 3
  local overlay=""
  if [[ ${1:-} == --sbin-overlay ]]; then overlay=$2; shift 2; fi
  systemd-id128 new >"$dir/$name.machine-id"
  local mount_overlay=":"
  [[ -n $overlay ]] && mount_overlay="mount -t overlay ddtr-sbin -o lowerdir=$overlay:/usr/sbin /usr/sbin"
  # shellcheck disable=SC2016
  unshare -m --propagation private sh -c "$mount_overlay && exec \"\$@\"" sh \
    systemd-nspawn --quiet --directory=/ --volatile=yes --register=no --keep-unit --private-users=no \
      --machine="$name" --network-namespace-path="/run/netns/$netns" --resolv-conf=off --timezone=off \
      --link-journal=no --console=pipe \
      --bind-ro="$dir/$name.machine-id:/etc/machine-id" \
      --bind-ro="/etc/netns/$netns/resolv.conf:/etc/resolv.conf" \
      "$@" -b systemd.mask=systemd-machine-id-commit.service </dev/null >"$dir/$name.console" 2>&1 &
  echo $! >"$dir/$name.nspawn-pid"
  container_dirs[$name]=$dir
  # The container's PID 1 is a child of nspawn once nspawn's own helper
  # processes are gone: the child whose program is systemd.
  local leader="" i child
  for (( i = 0; i < 200; i++ )); do
    for child in $(pgrep -P "$(cat "$dir/$name.nspawn-pid")" 2>/dev/null); do
      [[ $(readlink "/proc/$child/exe" 2>/dev/null) == /usr/lib/systemd/systemd ]] && leader=$child
    done
    [[ -n $leader ]] && break
    sleep 0.1
  done
  [[ -n $leader ]] || { echo "# container $name did not start:"; sed 's/^/#   /' "$dir/$name.console"; return 1; }
  echo "$leader" >"$dir/$name.leader"
  # running, or degraded (a unit of the host's /usr that cannot work in an empty container)
  # systemctl answers once systemd listens on its private socket; then --wait
  # waits for the end of the boot.
  local state=""
  for (( i = 0; i < 600; i++ )); do
    state=$(nsenter -t "$leader" -a systemctl is-system-running 2>/dev/null)
    [[ -n $state ]] && break
    sleep 0.1
  done
  [[ $state == starting || $state == initializing ]] &&
    state=$(timeout 60 nsenter -t "$leader" -a systemctl is-system-running --wait 2>/dev/null)
  echo "# container $name: systemd is $state"
  nsenter -t "$leader" -a systemctl --failed --plain --no-legend 2>/dev/null | sed 's/^/#   failed in the empty container: /'
  [[ $state == running || $state == degraded ]]
}

container_exec() {
  local name=$1
  shift
  local dir=${container_dirs[$name]}
  nsenter -t "$(cat "$dir/$name.leader")" -a "$@"
}

container_stop() {
  local name=$1 pid i
  local dir=${container_dirs[$name]:-}
  [[ -n $dir && -f $dir/$name.nspawn-pid ]] || return 0
  pid=$(cat "$dir/$name.nspawn-pid")
  kill -TERM "$pid" 2>/dev/null  # nspawn asks the container's systemd to power off
  for (( i = 0; i < 200; i++ )); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  rm -f "$dir/$name.nspawn-pid"
  # nspawn leaves this directory behind when /run is not a tmpfs.
  rm -rf "/run/systemd/nspawn/propagate/$name"
}
