#!/usr/bin/env bash
# The Windows daemon's HTTP API and policy reload under wine (issue 17, items
# 2 and 3): datadog-tracerouted.exe in the foreground on a pipe of this test's
# own with a policy file and --http-listen on loopback; /health answers, a bad
# bearer token is refused with 401 and a good one accepted (the digest through
# CNG); then `datadog-tracerouted reload` with a good file (a new packet
# budget and audit file, seen through the client's doctor) and with a bad one
# (refused, logged, the previous policy kept), as SIGHUP on Linux. Loopback only.
# Usage: http_reload_wine_test.sh WINE CLIENT_EXE DAEMON_EXE
set -uo pipefail
wine=$1 client=$2 daemon=$3
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../testutils/harness.sh"
export WINEDEBUG=-all
work=$(mktemp -d /tmp/ddtr-winhttp.XXXXXX)
pipe='\\.\pipe\ddtr-http-test-'$$
port=$(( 20000 + $$ % 20000 ))
base="http://127.0.0.1:$port"
daemon_pid=
cleanup() {
  [[ -n $daemon_pid ]] && { kill "$daemon_pid" 2>/dev/null; wait "$daemon_pid" 2>/dev/null; }
  rm -rf "$work"
}
trap cleanup EXIT

# A host path as the Windows daemon's absolute path (wine's Z: is /), and JSON-escaped.
winpath() { printf 'Z:%s' "${1//\//\\}"; }
json_winpath() { local p; p=$(winpath "$1"); printf '%s' "${p//\\/\\\\}"; }
token="s3cret-$$-token"
digest=$(printf %s "$token" | sha256sum | cut -d' ' -f1)
policy() {  # policy PROBES_PER_SECOND AUDIT_FILE
  cat >"$work/daemon.json" <<EOF
{
  "global": {"probes_per_second": $1},
  "http": {"tokens": [{"name": "ci", "sha256": "$digest", "role": "admin"}]},
  "audit_log": "$(json_winpath "$work/$2")"
}
EOF
}
# get NAME URL [-H HEADER]... [--head]: status in NAME.code ("000" when no
# answer), body in NAME.body. Python's http.client, like the client test's JSON checks.
get() {
  local name=$1 url=$2; shift 2
  /usr/bin/python3 - "$url" "$work/$name" "$@" <<'PY' 2>/dev/null || echo 000 >"$work/$name.code"
import http.client, sys, urllib.parse
url, out, args = sys.argv[1], sys.argv[2], sys.argv[3:]
method, headers = "GET", {}
i = 0
while i < len(args):
    if args[i] == "--head":
        method = "HEAD"
    elif args[i] == "-H":
        i += 1
        key, value = args[i].split(":", 1)
        headers[key.strip()] = value.strip()
    i += 1
parts = urllib.parse.urlsplit(url)
conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=20)
conn.request(method, parts.path + ("?" + parts.query if parts.query else ""), headers=headers)
response = conn.getresponse()
open(out + ".body", "wb").write(response.read())
open(out + ".code", "w").write(str(response.status))
PY
}
code() { cat "$work/$1.code"; }
doctor() {  # doctor NAME: the client's doctor against this daemon, in NAME.out
  "$wine" "$client" --socket "$pipe" doctor >"$work/$1.out" 2>"$work/$1.err" </dev/null
}
log_count() { tr -d '\r' <"$work/daemon.log" | grep -c -- "$1"; }
wait_log_count() {  # wait_log_count TEXT N: up to 30 s
  for _ in $(seq 1 120); do (( $(log_count "$1") >= $2 )) && return 0; sleep 0.25; done
  return 1
}

# --- start: the HTTP API on loopback beside the pipe --------------------------------
policy 400 audit.log
"$wine" "$daemon" foreground --pipe "$pipe" --config "$(winpath "$work/daemon.json")" \
  --http-listen "127.0.0.1:$port" --log-file "$work/daemon.log" >"$work/daemon.out" 2>&1 </dev/null &
daemon_pid=$!
for _ in $(seq 1 120); do get health "$base/health" && [[ $(code health) == 200 ]] && break; sleep 0.25; done
check "the daemon logs the HTTP API's address" wait_log_count "HTTP API listening on 127.0.0.1:$port" 1
check "/health: 200" test "$(code health)" = 200
check "/health: status healthy" grep -q '"status":"healthy"' "$work/health.body"
get head "$base/health" --head
check "HEAD /health: 200" test "$(code head)" = 200
get badtoken "$base/traceroute?target=127.0.0.1&protocol=icmp" -H "Authorization: Bearer wrong"
check "a bad bearer token: 401" test "$(code badtoken)" = 401
check "... UNAUTHORIZED, unknown bearer token" grep -q 'unknown bearer token' "$work/badtoken.body"
get badscheme "$base/traceroute?target=127.0.0.1&protocol=icmp" -H "Authorization: Basic eDp5"
check "a malformed Authorization header: 401" test "$(code badscheme)" = 401
# The good token passes authentication (the digest CNG computed matches sha256sum's):
# whatever the trace does under wine, the answer is not 401.
get goodtoken "$base/traceroute?target=127.0.0.1&protocol=icmp&traceroute-queries=1&e2e-queries=0&max-ttl=2" \
  -H "Authorization: Bearer $token"
echo "# the good token's trace request: HTTP $(code goodtoken) $(head -c 200 "$work/goodtoken.body" 2>/dev/null)"
check "the good bearer token is accepted (not 401)" bash -c "[[ \$(cat '$work/goodtoken.code') =~ ^[0-9]+$ && \$(cat '$work/goodtoken.code') != 401 && \$(cat '$work/goodtoken.code') != 000 ]]"

doctor before
check "doctor: the daemon's packet budget from the file" grep -q "the daemon's 400 per second" "$work/before.out"
check "the audit file is open" test -f "$work/audit.log"

# --- reload: a good file takes effect whole ------------------------------------------
policy 700 audit2.log
"$wine" "$daemon" reload --pipe "$pipe" >"$work/reload1.out" 2>&1 </dev/null
check "reload: exit 0" test $? = 0
check "reload: the daemon logs the reload" wait_log_count 'policy reloaded from' 1
doctor good
check "doctor after a good reload: the new packet budget" grep -q "the daemon's 700 per second" "$work/good.out"
check "... and the new audit file is open" test -f "$work/audit2.log"
get health2 "$base/health"
check "/health still answers after the reload" test "$(code health2)" = 200

# --- reload: a bad file is refused, the previous policy kept --------------------------
cat >"$work/daemon.json" <<EOF
{"global": {"probes_per_second": 900}, "roles": {"user": {"max_ttl": "many"}}}
EOF
"$wine" "$daemon" reload --pipe "$pipe" >"$work/reload2.out" 2>&1 </dev/null
check "reload of a bad file: the request is delivered (exit 0)" test $? = 0
check "a bad reload is refused with the key named" wait_log_count 'policy reload failed, keeping the previous policy: .*roles.user.max_ttl' 1
doctor bad
check "doctor after a bad reload: the previous packet budget" grep -q "the daemon's 700 per second" "$work/bad.out"
get badtoken2 "$base/traceroute?target=127.0.0.1&protocol=icmp" -H "Authorization: Bearer wrong"
check "the previous tokens still apply: a bad token 401" test "$(code badtoken2)" = 401

# --- reload with no daemon on the pipe -------------------------------------------------
"$wine" "$daemon" reload --pipe '\\.\pipe\ddtr-http-nobody-'$$ >"$work/reload3.out" 2>&1 </dev/null
check "reload without a daemon: exit 1" test $? = 1
check "... naming the pipe" grep -q "no datadog-tracerouted serves .*ddtr-http-nobody-$$" "$work/reload3.out"

if (( failed > 0 )); then
  echo "--- daemon log"; tr -d '\r' <"$work/daemon.log" | tail -30
  echo "--- doctor"; cat "$work/bad.out" 2>/dev/null
fi
finish_checks
