#!/usr/bin/env bash
# The MSI under wine, in the Windows stage's prefix: a package of a lower
# version (built here from the same .wxs and binaries) installs, registers the
# service and starts it, the installed client reaches it over
# \\.\pipe\datadog-traceroute (--version, doctor, a trace to 127.0.0.1); the
# policy file is edited; the real package upgrades in place (one product
# left, the edit kept, the service running again); /x leaves no service, no
# program files, no PATH entry and no event source, and keeps the policy and
# the audit log. Every wait is polled with a bound.
# Usage: msi_wine_test.sh WINE MSI VERSION BUILD_MSI DAEMON_EXE CLIENT_EXE SCM_HOLD_EXE
set -uo pipefail
wine=$1 msi=$2 version=$3 build_msi=$4 daemon_exe=$5 client_exe=$6 scm_hold=$7
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../testutils/harness.sh"
export WINEDEBUG=-all
if [[ -z ${WINEPREFIX:-} || ! -d $WINEPREFIX/drive_c ]]; then
  echo "skip: no WINEPREFIX (scripts/windows makes one)"; exit 77
fi
for tool in wixl msibuild msiinfo; do command -v "$tool" >/dev/null || { echo "skip: no $tool"; exit 77; }; done
work=$(mktemp -d /tmp/ddtr-msitest.XXXXXX)
drive_c=$WINEPREFIX/drive_c
program_dir="$drive_c/Program Files/Datadog/traceroute"
data_dir="$drive_c/ProgramData/Datadog/traceroute"
win_client='C:\Program Files\Datadog\traceroute\datadog-traceroute.exe'
event_key='HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\datadog-tracerouted'
env_key='HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\Environment'
uninstall_key='HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall'
w() { timeout 120 "$wine" "$@" </dev/null; }
winpath() { w winepath -w "$1" 2>/dev/null | tr -d '\r'; }
hold_pid=
cleanup() {
  # Whatever happened, nothing of ours stays installed in the shared prefix.
  [[ -f $work/lower.msi ]] && w msiexec /x "$(winpath "$work/lower.msi")" /qn >/dev/null 2>&1
  w msiexec /x "$(winpath "$msi")" /qn >/dev/null 2>&1
  [[ -n $hold_pid ]] && { kill "$hold_pid" 2>/dev/null; wait "$hold_pid" 2>/dev/null; }
  rm -rf "$work" "$data_dir"
}
trap cleanup EXIT
# Wine's services.exe forgets a service created on a connection once the last
# connection closes, so msiexec's StartServices would not find the service its
# InstallServices created: a connection held for the whole test (scm_hold_main.cpp).
"$wine" "$scm_hold" >"$work/hold.out" 2>&1 </dev/null &
hold_pid=$!

# msi NAME ARGS...: msiexec's status in $work/NAME.rc, its verbose log in
# $work/NAME.log, the custom actions' output in $work/NAME.out. A failure is
# tried once more, said on a comment line: wine's services.exe, early in a
# fresh prefix, can lose a service its own client just created or time out
# its first start (msiexec then rolls back, and the second run is clean).
msi() {
  local name=$1; shift
  local log; log=$(winpath "$work/$name.log")
  WINEDEBUG=err+msi w msiexec "$@" /qn /l*v "$log" >"$work/$name.out" 2>&1
  local status=$?
  if (( status != 0 )); then
    echo "# msiexec $name: exit $status ($(grep -m1 -oE 'err:msi:(ITERATE_StartService|execute_script).*' "$work/$name.out" | tr -d '\r'); $(grep -m1 -E '^(Error|configured)' "$work/$name.out" | tr -d '\r')), once more"
    cp "$work/$name.out" "$work/$name.first.out"
    sleep 10
    WINEDEBUG=err+msi w msiexec "$@" /qn /l*v "$log" >"$work/$name.out" 2>&1
    status=$?
  fi
  echo $status >"$work/$name.rc"
}
rc() { cat "$work/$1.rc"; }
# run NAME ARGS...: the installed client's stdout, stderr and status.
run() {
  local name=$1; shift
  w "$win_client" "$@" >"$work/$name.out" 2>"$work/$name.err"
  echo $? >"$work/$name.rc"
}
state() { w sc query datadog-tracerouted 2>/dev/null | tr -d '\r'; }
# until_true SECONDS CMD...: polls every half second.
until_true() {
  local limit=$1; shift
  local end=$(( SECONDS + limit ))
  while (( SECONDS < end )); do "$@" && return 0; sleep 0.5; done
  "$@"
}
# (Outputs read whole first: grep -q ending a pipe early fails it under pipefail.)
running() { local s; s=$(state); grep -qE 'STATE +: +4 +RUNNING' <<<"$s"; }
no_service() { local s; s=$(state); ! grep -q 'SERVICE_NAME' <<<"$s"; }
daemon_answers() {
  run version --version
  grep -qF "datadog-tracerouted $version (\\\\.\\pipe\\datadog-traceroute)" "$work/version.out"
}
reg_has() { local v; v=$(w reg query "$1" /v "$2" 2>/dev/null | tr -d '\r'); grep -qiF -- "$3" <<<"$v"; }
reg_lacks() { ! reg_has "$@"; }
key_absent() { ! w reg query "$1" >/dev/null 2>&1; }
product_code() { msiinfo export "$1" Property | tr -d '\r' | awk -F'\t' '$1 == "ProductCode" {print $2}'; }

check "a service manager connection is held" until_true 30 grep -q held "$work/hold.out"

# --- a package of a lower version ---------------------------------------------------
lower=0.0.1
[[ $version == "$lower" ]] && lower=0.0.0
"$build_msi" "$lower" "$daemon_exe" "$client_exe" "$work/lower.msi" 2>"$work/build.err"
check "a $lower package builds from the same .wxs" test -s "$work/lower.msi"

# --- install --------------------------------------------------------------------------
msi install /i "$(winpath "$work/lower.msi")"
# Wine's own limit, not the package's: some prefixes' services.exe cannot
# start any service by then (msiexec's StartServices gets 1053/1055, and
# ole32 cannot start RpcSs either). msiexec rolled back; say so and skip.
if [[ $(rc install) != 0 ]] && grep -qE 'ITERATE_StartService failed to start service .*\((1053|1055)\)' "$work/install.out"; then
  echo "skip: wine's service manager did not start the installed service twice" \
       "($(grep -m1 -oE 'ITERATE_StartService failed to start service .*' "$work/install.out" | tr -d '\r')); see docs/windows.md"
  echo "$passed passed, $failed failed, 1 skipped"
  exit 77
fi
check "install: msiexec exits 0" test "$(rc install)" = 0
check "install: both programs under Program Files\\Datadog\\traceroute" \
  test -f "$program_dir/datadog-tracerouted.exe" -a -f "$program_dir/datadog-traceroute.exe"
check "install: the service is registered and running" until_true 60 running
check "install: daemon.json under ProgramData\\Datadog\\traceroute" test -f "$data_dir/daemon.json"
check "install: daemon.json has no Linux audit path (the Windows default applies)" \
  bash -c "! grep -q /var/log '$data_dir/daemon.json'"
check "install: the event source is registered with the daemon's message table" \
  reg_has "$event_key" EventMessageFile 'datadog-tracerouted.exe'
check "install: the client's directory is on the system PATH" \
  reg_has "$env_key" Path 'C:\Program Files\Datadog\traceroute'
check "install: the client reaches the service over the pipe (--version)" until_true 30 daemon_answers
run doctor doctor
check "install: doctor finds the pipe" grep -qE '^ok    pipe .*datadog-traceroute$' "$work/doctor.out"
check "install: doctor: the daemon answers" grep -qE "^(ok    |warn  )daemon $version answers" "$work/doctor.out"
run trace --format json -q 1 -Q 0 -m 3 127.0.0.1
# Under wine no probe method can send (docs/windows.md): the engine's error
# through the daemon is the answer; on Windows, a document.
case $(rc trace) in
  0) check "install: a trace's document" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$work/trace.out" ;;
  1) check "install: a trace answered by the daemon (not DAEMON_UNAVAILABLE)" \
       bash -c "grep -qE '^Error: failed to run traceroute: .+ \(code [A-Z_]+\)$' '$work/trace.err' && ! grep -q DAEMON_UNAVAILABLE '$work/trace.err'" ;;
  *) not_ok "install: trace exit $(rc trace): $(cat "$work/trace.err")" ;;
esac
check "install: the audit log under ProgramData\\Datadog\\traceroute" until_true 10 test -s "$data_dir/audit.log"

# --- the operator edits the policy, then an upgrade ------------------------------------
# Both roles' max_ttl: wine's caller may be an administrator.
sed -i 's/"max_ttl": [0-9]*,/"max_ttl": 42,/g' "$data_dir/daemon.json"
check "the policy edited (max_ttl 42 for both roles)" test "$(grep -c '"max_ttl": 42,' "$data_dir/daemon.json")" = 2
msi upgrade /i "$(winpath "$msi")"
check "upgrade: msiexec exits 0" test "$(rc upgrade)" = 0
lower_code=$(product_code "$work/lower.msi") code=$(product_code "$msi")
check "upgrade: the $lower product is gone" key_absent "$uninstall_key\\$lower_code"
check "upgrade: the $version product is registered" bash -c "'$wine' reg query '$uninstall_key\\$code' >/dev/null 2>&1 </dev/null"
check "upgrade: the edited policy is kept" grep -q '"max_ttl": 42,' "$data_dir/daemon.json"
check "upgrade: the service runs again" until_true 60 running
check "upgrade: the client reaches it" until_true 30 daemon_answers
run above --format json -q 1 -Q 0 -m 50 127.0.0.1
check "upgrade: the service enforces the edited policy (-m 50 above its max_ttl 42)" \
  grep -qF 'max TTL 50 is above the limit of 42' "$work/above.err"

# --- uninstall ------------------------------------------------------------------------
msi remove /x "$(winpath "$msi")"
check "uninstall: msiexec exits 0" test "$(rc remove)" = 0
check "uninstall: no service" until_true 30 no_service
check "uninstall: no program files" test ! -e "$program_dir/datadog-tracerouted.exe" -a ! -e "$program_dir/datadog-traceroute.exe"
check "uninstall: no PATH entry" reg_lacks "$env_key" Path 'C:\Program Files\Datadog\traceroute'
check "uninstall: no event source" key_absent "$event_key"
check "uninstall: the edited policy stays" grep -q '"max_ttl": 42,' "$data_dir/daemon.json"
check "uninstall: the audit log stays" test -s "$data_dir/audit.log"

finish_checks || { for f in "$work"/*.err "$work"/*.out; do echo "--- $f"; cat "$f"; done
                   for f in "$work"/*.log; do echo "--- $f (errors)"; tr -d '\0' <"$f" | grep -iE 'error|fail|return value 3|returned' | head -20; done
                   exit 1; }
