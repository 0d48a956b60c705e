#!/usr/bin/env bash
# datadog-traceroute.exe against datadog-tracerouted.exe under wine, over a
# named pipe of this test's own: no daemon (DAEMON_UNAVAILABLE, exit 1), bad
# flags (exit 2), --version (client and daemon versions), doctor (the caller
# as this process's token and as the daemon saw it), a trace (the daemon's
# answer: a document, or its error in the client's shape), the daemon gone
# again, and, while a daemon that never answers holds the trace, Ctrl-C (wine
# turns SIGINT into the console's CTRL_C_EVENT) and that daemon's death.
# Traces go to loopback only.
# Usage: client_wine_test.sh WINE CLIENT_EXE DAEMON_EXE SILENT_SERVER_EXE
set -uo pipefail
wine=$1 client=$2 daemon=$3 silent=$4
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../testutils/harness.sh"
export WINEDEBUG=-all
work=$(mktemp -d /tmp/ddtr-winclient.XXXXXX)
pipe='\\.\pipe\ddtr-client-test-'$$
daemon_pid= silent_pid= client_pid=
cleanup() {
  local pid
  for pid in $client_pid $daemon_pid $silent_pid; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT

# run NAME ARGS...: the client's stdout, stderr and status in $work/NAME.{out,err,rc}.
run() {
  local name=$1; shift
  "$wine" "$client" "$@" >"$work/$name.out" 2>"$work/$name.err" </dev/null
  echo $? >"$work/$name.rc"
}
rc() { cat "$work/$1.rc"; }
has() { grep -qF -- "$2" "$work/$1"; }

# --- no daemon -------------------------------------------------------------------
run absent --socket "$pipe" 127.0.0.1
check "no daemon: exit 1" test "$(rc absent)" = 1
check "no daemon: DAEMON_UNAVAILABLE naming the pipe" \
  grep -qE "^Error: cannot reach the traceroute daemon at \\\\\\\\\\.\\\\pipe\\\\ddtr-client-test-$$: .*\(code DAEMON_UNAVAILABLE\)$" "$work/absent.err"
check "no daemon: says how to start it" has absent.err "datadog-tracerouted foreground"
DD_TRACEROUTE_SOCKET=$pipe run absent_env 127.0.0.1
check "DD_TRACEROUTE_SOCKET names the pipe" has absent_env.err "at $pipe: "
check "DD_TRACEROUTE_SOCKET: exit 1" test "$(rc absent_env)" = 1
run not_pipe --socket 'C:\windows\win.ini' 127.0.0.1
check "a file is not a pipe: exit 1" test "$(rc not_pipe)" = 1
check "a file is not a pipe: refused as such" has not_pipe.err "not a local pipe name"
run version_absent --socket "$pipe" --version
check "--version without a daemon: exit 0" test "$(rc version_absent)" = 0
check "--version without a daemon: says so" has version_absent.out "datadog-tracerouted: not reachable at $pipe"
run doctor_absent --socket "$pipe" doctor
check "doctor without a daemon: exit 1" test "$(rc doctor_absent)" = 1
check "doctor without a daemon: the pipe fails" grep -qE "^FAIL  pipe .*ddtr-client-test-$$" "$work/doctor_absent.out"

# --- bad flags ---------------------------------------------------------------------
run bad_flag --no-such-flag 127.0.0.1
check "unknown flag: exit 2" test "$(rc bad_flag)" = 2
check "unknown flag: pflag's message" has bad_flag.err "unknown flag: --no-such-flag"
run bad_value --max-ttl many 127.0.0.1
check "bad value: exit 2" test "$(rc bad_value)" = 2
# Arguments arrive as UTF-8 (main's argv would be the ANSI code page).
run utf8_arg --format $'tr\xc3\xa4' 127.0.0.1
check "a non-ASCII argument comes back as the same UTF-8" has utf8_arg.err $'invalid value "tr\xc3\xa4" for --format'
run help --help
check "--help: exit 0" test "$(rc help)" = 0
check "--help: the default endpoint is the daemon's pipe" has help.out '\\.\pipe\datadog-traceroute'

# --- the daemon --------------------------------------------------------------------
"$wine" "$daemon" foreground --pipe "$pipe" --log-file "$work/daemon.log" >"$work/daemon.out" 2>&1 </dev/null &
daemon_pid=$!
for _ in $(seq 1 120); do
  run version --socket "$pipe" --version
  has version.out "datadog-tracerouted 0" && break
  sleep 0.25
done
check "--version: exit 0" test "$(rc version)" = 0
check "--version: the client's version" grep -qE '^datadog-traceroute [0-9]+\.[0-9]+\.[0-9]+$' "$work/version.out"
check "--version: the daemon's version and pipe" \
  grep -qE "^datadog-tracerouted [0-9]+\.[0-9]+\.[0-9]+ \(\\\\\\\\\.\\\\pipe\\\\ddtr-client-test-$$\)$" "$work/version.out"

run doctor --socket "$pipe" doctor
sid=$(sed -nE 's/^ok    this process runs as .*\((S-1-[0-9-]+)\)$/\1/p' "$work/doctor.out")
check "doctor: this process's user and SID from its token" test -n "$sid"
check "doctor: the pipe is there" grep -qE "^ok    pipe .*ddtr-client-test-$$$" "$work/doctor.out"
check "doctor: the daemon answers" grep -qE '^(ok    |warn  )daemon [0-9.]+ answers' "$work/doctor.out"
check "doctor: the daemon saw the same caller" grep -qE "^(ok    |FAIL  )you are $sid \(groups S-1-" "$work/doctor.out"
check "doctor: a summary line" grep -qE '^(no problems found|[0-9]+ problem\(s\) found)$' "$work/doctor.out"

run trace --socket "$pipe" --format json -q 1 -Q 0 -m 3 127.0.0.1
case $(rc trace) in
  0) check "trace: the daemon's document on stdout" /usr/bin/python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$work/trace.out" ;;
  1) check "trace: the daemon's error in the client's shape" \
       grep -qE '^Error: failed to run traceroute: .+ \(code [A-Z_]+\)$' "$work/trace.err"
     check "trace: not DAEMON_UNAVAILABLE" bash -c "! grep -q DAEMON_UNAVAILABLE '$work/trace.err'" ;;
  *) not_ok "trace: exit $(rc trace) (want 0 or 1): $(cat "$work/trace.err")" ;;
esac

run batch --socket "$pipe" -q 1 -Q 0 -m 3 127.0.0.1 127.0.0.2
check "batch: exit 0 or 1" bash -c "[[ $(rc batch) == [01] ]]"
check "batch: one JSON line per target" /usr/bin/python3 -c '
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 2, lines
for line in lines: json.loads(line)' "$work/batch.out"

# --- the daemon gone ---------------------------------------------------------------------
kill "$daemon_pid" 2>/dev/null; wait "$daemon_pid" 2>/dev/null; daemon_pid=
for _ in $(seq 1 40); do
  run gone --socket "$pipe" 127.0.0.1
  has gone.err DAEMON_UNAVAILABLE && break
  sleep 0.25
done
check "daemon stopped: DAEMON_UNAVAILABLE, exit 1" bash -c "[[ $(rc gone) == 1 ]] && grep -q 'code DAEMON_UNAVAILABLE' '$work/gone.err'"

# --- Ctrl-C while the trace waits ------------------------------------------------------
silent_pipe='\\.\pipe\ddtr-client-silent-'$$
"$wine" "$silent" "$silent_pipe" >"$work/silent.out" 2>&1 </dev/null &
silent_pid=$!
wait_for() {  # wait_for FILE LINE [COUNT]: up to 30 s (the server's stdout is in text mode: CRLF)
  for _ in $(seq 1 120); do
    (( $(tr -d '\r' <"$1" | grep -cx -- "$2") >= ${3:-1} )) && return 0
    sleep 0.25
  done
  return 1
}
check "silent server listening" wait_for "$work/silent.out" listening
"$wine" "$client" --socket "$silent_pipe" --format json 127.0.0.1 >"$work/ctrl_c.out" 2>"$work/ctrl_c.err" </dev/null &
client_pid=$!
check "the client connected and waits for its trace" wait_for "$work/silent.out" connected
kill -INT "$client_pid"
wait "$client_pid"; echo $? >"$work/ctrl_c.rc"; client_pid=
check "Ctrl-C: exit 130" test "$(rc ctrl_c)" = 130
check "Ctrl-C: says the trace was cancelled, no JSON" has ctrl_c.err "Interrupted: the trace was cancelled in the daemon; no JSON document was printed."
check "Ctrl-C: nothing on stdout" test ! -s "$work/ctrl_c.out"
check "Ctrl-C: the client closed its connection" wait_for "$work/silent.out" closed

# --- the daemon dies while the trace waits ---------------------------------------------
"$wine" "$client" --socket "$silent_pipe" --format json 127.0.0.1 >"$work/dies.out" 2>"$work/dies.err" </dev/null &
client_pid=$!
check "a second client waits for its trace" wait_for "$work/silent.out" connected 2
kill "$silent_pid"; wait "$silent_pid" 2>/dev/null; silent_pid=
wait "$client_pid"; echo $? >"$work/dies.rc"; client_pid=
check "daemon gone mid-trace: exit 1" test "$(rc dies)" = 1
check "daemon gone mid-trace: DAEMON_UNAVAILABLE, accepted then lost (no advice to start a running daemon)" \
  grep -qE '^Error: the traceroute daemon at .* accepted the connection, then it was lost: .*\(code DAEMON_UNAVAILABLE\)$' "$work/dies.err"

finish_checks || { for f in "$work"/*.err "$work"/daemon.* "$work"/silent.out; do echo "--- $f"; cat "$f"; done; exit 1; }
