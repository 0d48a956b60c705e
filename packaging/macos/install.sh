#!/bin/sh
# install.sh: installs (or upgrades, or with --uninstall removes) the daemon and
# the client on macOS, no .pkg: the binaries in /usr/local/bin, the launchd job
# in /Library/LaunchDaemons, which starts the daemon listening on
# /var/run/datadog-traceroute/daemon.sock. Run as root from the source tree:
#
#   sudo packaging/macos/install.sh [BUILD_DIR]     # default build/release (a build on the Mac)
#   sudo packaging/macos/install.sh --uninstall
#
# DESTDIR=/some/dir stages the files there instead (no ownership change, no
# launchctl): packaging builds and the ctest check (packaging.macos_install) use it.
set -eu

LABEL=com.datadoghq.traceroute.daemon
BIN_DIR=/usr/local/bin
PLIST_DIR=/Library/LaunchDaemons
SOCKET_DIR=/var/run/datadog-traceroute   # made by the daemon itself (0755); /var/run is emptied at boot
LOG_FILE=/var/log/datadog-tracerouted.log

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
dest=${DESTDIR:-}
plist=$dest$PLIST_DIR/$LABEL.plist

launchctl_() {  # launchd is only there for a real install
  if [ -z "$dest" ]; then launchctl "$@"; fi
}
owner() {  # root:wheel for a real install; launchd refuses a plist owned by anyone else
  if [ -z "$dest" ]; then echo "-o root -g wheel"; fi
}

if [ "${1:-}" = "--uninstall" ]; then
  launchctl_ bootout "system/$LABEL" 2>/dev/null || true   # SIGTERM: traces cancelled, socket removed
  rm -f "$plist" "$dest$BIN_DIR/datadog-tracerouted" "$dest$BIN_DIR/datadog-traceroute"
  echo "removed $LABEL; $LOG_FILE is left in place"
  exit 0
fi

build=${1:-$root/build/release}
for program in datadog-tracerouted datadog-traceroute; do
  if [ ! -x "$build/bin/$program" ]; then
    echo "install.sh: no $build/bin/$program (build first, or name the build directory)" >&2
    exit 1
  fi
done
if [ -z "$dest" ] && [ "$(id -u)" != 0 ]; then
  echo "install.sh: run as root (sudo): the job runs as root and lives in $PLIST_DIR" >&2
  exit 1
fi

# An upgrade: stop the running job first so that the new binary is the one started.
launchctl_ bootout "system/$LABEL" 2>/dev/null || true
install -d $(owner) -m 0755 "$dest$BIN_DIR" "$dest$PLIST_DIR"
install $(owner) -m 0755 "$build/bin/datadog-tracerouted" "$build/bin/datadog-traceroute" "$dest$BIN_DIR/"
install $(owner) -m 0644 "$here/$LABEL.plist" "$plist"
if [ -z "$dest" ]; then
  plutil -lint "$plist"
fi
# bootstrap loads the job and, with RunAtLoad, starts it; it also starts at every boot.
launchctl_ bootstrap system "$plist"
echo "installed $LABEL: $BIN_DIR/datadog-tracerouted (socket $SOCKET_DIR/daemon.sock, log $LOG_FILE)"
