#!/usr/bin/env bash
# Issue 14, items 5 and 7: HTTP callers on loopback are people, and a reload is
# judged against the listener that is really open. The daemon runs as root in a
# namespace with the HTTP API on 127.0.0.1; the callers are two unprivileged
# uids (nobody and a bare uid) and a uid in access.denied, with curl:
#   - a denied user is refused over HTTP as over the Unix socket (401);
#   - the audit line carries the caller's uid;
#   - one uid spending its quota over HTTP spends neither another uid's nor
#     anything but its own RPC quota (the same admission key);
#   - a bad Host, a cross-site Origin or Sec-Fetch-Site get 403 (Go-shaped body);
#     same-origin and absent Origin work;
#   - one uid holding idle connections (renewed) is refused past
#     http.max_connections_per_caller with 503, before sending anything, while
#     another uid is still served a trace; once it closes, it is served again;
#     a bad value of that key is refused by --check-config, naming it;
#   - SIGHUP with a policy that would serve anonymous callers on a non-loopback
#     listener is refused, the old policy kept; a valid reload reaches the HTTP
#     thread, and a new http.listen is logged as waiting for a restart.
#   hostile_http_test.sh BIN_DIR
# Exit 77 (ctest: skipped) without root or network namespaces.
set -uo pipefail

bin_dir=${1:?usage: $0 BIN_DIR}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/../testutils/harness.sh
source "$here/../testutils/harness.sh"
topology=$here/../testutils/topology.sh

require_root_and_netns
command -v curl >/dev/null || { echo "skipped: needs curl"; exit 77; }

prefix="hh$(( $$ % 10000 ))"
make_work hostile-http
trap 'stop_jobs; clean_up_suite' EXIT
out=$work/out  # curl runs as the callers: it writes here
mkdir -m 1777 "$out"

A=nobody   # role user
B=40012    # role user, a bare uid (the test adds no account)
DENIED=40013
C=40014    # role user, a bare uid: served while nobody floods
token=hostile-http-token
digest=$(printf %s "$token" | sha256sum | cut -d' ' -f1)

base=http://127.0.0.1:3765
trace_query="target=203.0.113.5&protocol=icmp&traceroute-queries=1&e2e-queries=0&max-ttl=6"

# as USER CMD...: in the client namespace, no capabilities at all.
as() {
  local user=$1; shift
  local gid=$user; [[ $user == nobody ]] && gid=nogroup
  ip netns exec "${prefix}c" setpriv --reuid="$user" --regid="$gid" --clear-groups \
    --inh-caps=-all --bounding-set=-all --no-new-privs "$@"
}
# get NAME USER URL [CURL-ARGS...]: body $out/NAME.body, headers NAME.head, status NAME.code
get() {
  local name=$1 user=$2 url=$3; shift 3
  as "$user" curl -s -o "$out/$name.body" -D "$out/$name.head" -w '%{http_code}' "$@" "$url" >"$out/$name.code"
}
status_is() { test "$(cat "$out/$1.code")" = "$2"; }
json_field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$out/$1.body" "$2"; }
answered() {  # answered NAME STATUS CODE MESSAGE-FRAGMENT
  local name=$1 status=$2 code=$3 fragment=$4 before=$failed
  check "$name: HTTP $status" status_is "$name" "$status"
  check "$name: code $code" test "$(json_field "$name" code 2>/dev/null)" = "$code"
  check "$name: message has '$fragment'" grep -qF -- "$fragment" <(json_field "$name" message 2>/dev/null)
  (( failed == before )) || { echo "--- $name"; cat "$out/$name.head" "$out/$name.body"; }
}
audit_has() {  # audit_has PYTHON-CONDITION-ON-l: some audit line satisfies it
  python3 -c '
import json, sys
lines = [json.loads(x) for x in open(sys.argv[1])]
sys.exit(0 if any(eval(sys.argv[2], {}, {"l": l}) for l in lines) else 1)' "$work/audit.log" "$1"
}
start_http_daemon() {  # start_http_daemon CONFIG HTTP-LISTEN LOG [--from-file: the file's http.listen, no flag]
  local flag=(--http-listen "$2")
  [[ ${4:-} == --from-file ]] && flag=()
  # Started directly (not through a function's subshell), so $! is the daemon.
  ip netns exec "${prefix}c" "$work/datadog-tracerouted" --foreground --user root --socket "$socket" --config "$1" \
    "${flag[@]}" --log-level debug >>"$3" 2>&1 &
  daemon_pid=$!
  for _ in $(seq 100); do
    ip netns exec "${prefix}c" curl -s -o /dev/null "http://$2/health" && return 0
    sleep 0.1
  done
  return 1
}

"$topology" up "$prefix" --routers 2

# --- people over loopback ---------------------------------------------------------------------------
printf '%s\n' '{' \
  '  "access": {"denied": {"uids": ['"$DENIED"']}},' \
  '  "roles": {"user": {"concurrent_traces": 4, "queued_traces": 0, "rate_per_minute": 0, "burst": 3}},' \
  '  "http": {"enabled": true, "listen": "127.0.0.1:3765", "allowed_hosts": ["tracer.test"],' \
  '           "tokens": [{"name": "ci", "sha256": "'"$digest"'", "role": "admin"}]},' \
  '  "audit_log": "'"$work"'/audit.log"' \
  '}' >"$work/daemon.json"
start_http_daemon "$work/daemon.json" 127.0.0.1:3765 "$work/daemon.log" --from-file || not_ok "the daemon serves HTTP"

get a1 "$A" "$base/traceroute?$trace_query"
check "nobody over HTTP: 200" status_is a1 200
check "... audited with nobody's uid and name" \
  audit_has 'l["source"] == "http" and l["uid"] == 65534 and l["user"] == "nobody" and l["role"] == "user" and l["outcome"] == "ok"'

get denied "$DENIED" "$base/traceroute?$trace_query"
answered denied 401 UNAUTHORIZED "user uid:$DENIED (uid $DENIED) may not trace: role \"denied\" (access.denied.uids)"
check "... audited as refused, with the denied uid" \
  audit_has "l['source'] == 'http' and l['uid'] == $DENIED and l['verdict'] == 'refused'"

# A denied user who sends its request and closes at once (so that its socket is
# gone when the daemon asks who owns it) is not served as anonymous either.
for _ in 1 2 3; do
  as "$DENIED" /usr/bin/python3 -c '
import socket
s = socket.create_connection(("127.0.0.1", 3765))
s.sendall(b"GET /traceroute?target=203.0.113.9&protocol=icmp&traceroute-queries=1&e2e-queries=0&max-ttl=6 HTTP/1.1\r\nHost: 127.0.0.1:3765\r\n\r\n")
s.close()'
done
for _ in $(seq 50); do (( $(grep -c '"target":"203.0.113.9"' "$work/audit.log") >= 3 )) && break; sleep 0.1; done
check "a denied user that closes before it is looked up is refused, never anonymous (3 tries)" python3 -c '
import json, sys
lines = [json.loads(x) for x in open(sys.argv[1]) if "203.0.113.9" in x]
sys.exit(0 if len(lines) == 3 and all(l["verdict"] == "refused" and l["error"]["code"] == "UNAUTHORIZED" for l in lines) else 1)' \
  "$work/audit.log"
echo "# the three refusals: $(grep '"target":"203.0.113.9"' "$work/audit.log" | python3 -c '
import json, sys; print("; ".join(sorted({json.loads(x)["error"]["message"] for x in sys.stdin})))')"

# Quota: burst 3, no refill. nobody spends its three over HTTP (one plain, one
# same-origin, one Sec-Fetch-Site same-origin); the fourth is refused; uid B
# still has all of its own; nobody's RPC calls draw from the same bucket.
get a2 "$A" "$base/traceroute?$trace_query" -H "Origin: http://127.0.0.1:3765"
check "a same-origin Origin is served (200)" status_is a2 200
get a3 "$A" "$base/traceroute?$trace_query" -H "Sec-Fetch-Site: same-origin" -H "Host: localhost:3765"
check "Sec-Fetch-Site same-origin and Host localhost are served (200)" status_is a3 200
get a4 "$A" "$base/traceroute?$trace_query"
answered a4 429 QUOTA_EXCEEDED 'rate limit'
get b1 "$B" "$base/traceroute?$trace_query"
check "another uid's quota is its own: 200 after nobody ran out" status_is b1 200
check "... audited with that uid" audit_has "l['source'] == 'http' and l['uid'] == $B and l['outcome'] == 'ok'"
as "$A" "$work/datadog-traceroute" --socket "$socket" --proto icmp -q 1 -Q 0 -m 6 203.0.113.5 \
  >"$work/a_rpc.json" 2>"$work/a_rpc.err"
check "nobody's quota spent over HTTP is spent over RPC too (one key per uid)" grep -q 'QUOTA_EXCEEDED' "$work/a_rpc.err"
as "$B" "$work/datadog-traceroute" --socket "$socket" --proto icmp -q 1 -Q 0 -m 6 203.0.113.5 >/dev/null 2>&1
check "... while uid $B's RPC trace runs" test $? = 0
get a_token "$A" "$base/traceroute?$trace_query" -H "Authorization: Bearer $token"
check "a token wins over the socket's owner: nobody with the admin token is served" status_is a_token 200
check "... audited as the token" \
  audit_has 'l["source"] == "http" and l["user"] == "http:ci" and l["role"] == "admin" and l["outcome"] == "ok"'

# Host, Origin, Sec-Fetch-Site: refused before the policy is asked (no audit line).
audit_lines=$(wc -l <"$work/audit.log")
get badhost "$B" "$base/traceroute?$trace_query" -H "Host: rebind.example:3765"
answered badhost 403 POLICY_DENIED 'the Host header does not name this listener'
check "... application/json" grep -qi '^content-type: application/json' "$out/badhost.head"
get badport "$B" "$base/health" -H "Host: 127.0.0.1:8080"
answered badport 403 POLICY_DENIED 'the Host header does not name this listener'
get crossorigin "$B" "$base/traceroute?$trace_query" -H "Origin: https://evil.example"
answered crossorigin 403 POLICY_DENIED 'cross-site request refused: the Origin is not this listener'
get nullorigin "$B" "$base/traceroute?$trace_query" -H "Origin: null"
answered nullorigin 403 POLICY_DENIED 'cross-site request refused'
get crosssite "$B" "$base/traceroute?$trace_query" -H "Sec-Fetch-Site: cross-site"
answered crosssite 403 POLICY_DENIED 'Sec-Fetch-Site: cross-site'
check "refused hosts and origins start no trace and write no audit line" test "$(wc -l <"$work/audit.log")" = "$audit_lines"
get named "$B" "$base/health" -H "Host: tracer.test:3765"
check "a name in http.allowed_hosts is served (200)" status_is named 200
get v6host "$B" "$base/health" -H "Host: [::1]:3765" -H "Origin: http://localhost:3765"
check "a loopback address as Host and localhost as Origin are served (200)" status_is v6host 200
ip netns exec "${prefix}c" /usr/bin/python3 -c '
import socket
def ask(data):
    s = socket.create_connection(("127.0.0.1", 3765)); s.sendall(data); s.settimeout(3)
    got = b""
    try:
        while True:
            chunk = s.recv(4096)
            if not chunk: break
            got += chunk
    except socket.timeout:
        pass
    return got.split(b"\r\n")[0].decode()
print(ask(b"GET /health HTTP/1.1\r\n\r\n"))
print(ask(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n\r\n"))
print(ask(b"GET /health HTTP/1.0\r\n\r\n"))' >"$work/raw.out"
check "HTTP/1.1 without Host: 400 (as Go)" test "$(sed -n 1p "$work/raw.out")" = "HTTP/1.1 400 Bad Request"
check "two Host headers: 400 (as Go)" test "$(sed -n 2p "$work/raw.out")" = "HTTP/1.1 400 Bad Request"
check "HTTP/1.0 without Host: served" test "$(sed -n 3p "$work/raw.out")" = "HTTP/1.0 200 OK"
check "the daemon is alive" kill -0 "$daemon_pid"

# One uid holds connections open (idle, then renewed with a kept-alive request
# every 2 s as a hostile client would); past http.max_connections_per_caller
# (default 8) its connections get 503 at once, before it sends a byte. The
# other users' way in stays open.
rm -f "$out/flood.ready" "$out/flood.release"
as "$A" /usr/bin/python3 - "$out" >"$out/flood.out" 2>&1 <<'PY' &
import json, os, socket, sys, time
out = sys.argv[1]
socks = [socket.create_connection(("127.0.0.1", 3765)) for _ in range(12)]
def answer(s, wait):  # one response (b"" if none came within `wait` s)
    s.settimeout(wait)
    got = b""
    try:
        while True:
            head, sep, body = got.partition(b"\r\n\r\n")
            if sep:
                length = [int(l.split(b":", 1)[1]) for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")]
                if not length or len(body) >= length[0]: return got
            chunk = s.recv(4096)
            if not chunk: return got
            got += chunk
    except socket.timeout:
        return got
refused, held, message = 0, [], ""
for s in socks:
    got = answer(s, 0.3)
    if got.startswith(b"HTTP/1.1 503"):
        refused += 1
        message = json.loads(got.split(b"\r\n\r\n", 1)[1])["message"]
    elif got == b"":
        held.append(s)
print(len(held), refused)
print(message)
sys.stdout.flush()
open(os.path.join(out, "flood.ready"), "w").close()
renewed_ok, rounds = True, 0
deadline = time.monotonic() + 40
while True:  # at least one round, whenever the release comes
    time.sleep(2)
    for s in held:
        s.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1:3765\r\n\r\n")
        renewed_ok = renewed_ok and answer(s, 5).startswith(b"HTTP/1.1 200")
    rounds += 1
    if os.path.exists(os.path.join(out, "flood.release")) or time.monotonic() > deadline: break
print("renewed" if renewed_ok and held else "cut", rounds)
for s in socks:
    s.close()
PY
flood=$!
for _ in $(seq 100); do [[ -e $out/flood.ready ]] && break; sleep 0.1; done
{ read -r flood_held flood_refused; read -r flood_message; } <"$out/flood.out"
check "a uid flooding idle connections holds http.max_connections_per_caller of them (8 of 12)" \
  test "${flood_held:-}" = 8
check "... the other 4 get 503 before sending anything" test "${flood_refused:-}" = 4
check "... naming the key that refused them" test "${flood_message:-}" = \
  "too many HTTP connections from uid 65534: it holds 8, the most one caller may (http.max_connections_per_caller 8)"
get flood_more "$A" "$base/health"
check "... a request on one more connection of that uid: 503" status_is flood_more 503
check "... QUOTA_EXCEEDED, the same canned answer as the global limit" \
  test "$(json_field flood_more code 2>/dev/null)" = QUOTA_EXCEEDED
get c_trace "$C" "$base/traceroute?$trace_query"
check "meanwhile another uid is served a trace (200)" status_is c_trace 200
check "... audited with that uid" audit_has "l['source'] == 'http' and l['uid'] == $C and l['outcome'] == 'ok'"
touch "$out/flood.release"
wait "$flood"
check "the flooding uid's connections stayed open all along (renewed)" grep -q '^renewed [1-9]' "$out/flood.out"
for _ in $(seq 20); do  # the daemon sees the closes at its own pace
  get after_flood "$A" "$base/health"
  status_is after_flood 200 && break
  sleep 0.1
done
check "once it closes them, that uid is served again (200)" status_is after_flood 200
refusal_lines=$(grep -c 'http: refused a connection from .*: too many HTTP connections from uid 65534' "$work/daemon.log")
echo "# 5 connection refusals of uid 65534, $refusal_lines logged"
check "refusals are logged, but not one line each (at most one per caller per 5 s)" \
  test "$refusal_lines" -ge 1 -a "$refusal_lines" -lt 5
check "the daemon is alive" kill -0 "$daemon_pid"

printf '{"http": {"max_connections": 4, "max_connections_per_caller": 5}}\n' >"$work/per_caller.json"
"$work/datadog-tracerouted" --check-config --config "$work/per_caller.json" >"$work/per_caller.out" 2>&1
check "a per-caller cap above http.max_connections is refused (--check-config fails)" test $? -ne 0
check "... naming the key" grep -qF \
  'http.max_connections_per_caller: must be at most http.max_connections (4), not 5' "$work/per_caller.out"
printf '{"http": {"max_connections_per_caller": 0}}\n' >"$work/per_caller.json"
"$work/datadog-tracerouted" --check-config --config "$work/per_caller.json" >"$work/per_caller.out" 2>&1
check "... and so is 0, naming the key" grep -qF 'http.max_connections_per_caller: must be 1..100000, not 0' \
  "$work/per_caller.out"

# A valid reload reaches the HTTP thread; a new http.listen waits for a restart.
sed -e 's/"tracer.test"/"tracer2.test"/' -e 's/127.0.0.1:3765/127.0.0.1:3999/' \
  "$work/daemon.json" >"$work/daemon2.json"
cp "$work/daemon2.json" "$work/daemon.json"
kill -HUP "$daemon_pid"
for _ in $(seq 50); do grep -q 'policy reloaded' "$work/daemon.log" && break; sleep 0.1; done
check "a valid reload is taken" grep -q 'policy reloaded' "$work/daemon.log"
check "... a new http.listen is logged as waiting for a restart" \
  grep -q 'http.listen changed to 127.0.0.1:3999: ignored until a restart; the HTTP API still listens on 127.0.0.1:3765' \
  "$work/daemon.log"
get named2 "$B" "$base/health" -H "Host: tracer2.test:3765"
check "... the new allowed_hosts apply (200)" status_is named2 200
get named1 "$B" "$base/health" -H "Host: tracer.test:3765"
check "... and the old name no longer does (403)" status_is named1 403
kill_daemon

# --- reload against the live listener ------------------------------------------------------------
# Off loopback (the client namespace's own address): tokens required.
printf '%s\n' '{"http": {"anonymous_role": "denied", "tokens": [{"name": "ci", "sha256": "'"$digest"'", "role": "user"}]},' \
  ' "audit_log": "'"$work"'/audit.log"}' >"$work/open.json"
start_http_daemon "$work/open.json" 192.0.2.5:3766 "$work/open.log" || not_ok "the daemon serves HTTP on 192.0.2.5"
open=http://192.0.2.5:3766
get open_before "$A" "$open/traceroute?$trace_query"
answered open_before 401 UNAUTHORIZED 'http may not trace'
as "$A" "$work/datadog-traceroute" doctor --socket "$socket" >"$work/doctor_before.out" 2>&1
# Valid on its own (its http.listen is the default, loopback), but the socket
# listening is 192.0.2.5:3766: anonymous callers there must stay out.
printf '%s\n' '{"http": {"anonymous_role": "user"}, "audit_log": "'"$work"'/audit.log"}' >"$work/open.json"
sleep 1.1  # doctor's load time has a resolution of one second
kill -HUP "$daemon_pid"
for _ in $(seq 50); do grep -q 'policy reload failed' "$work/open.log" && break; sleep 0.1; done
check "a reload that would serve anonymous callers on the live non-loopback listener is refused" \
  grep -q 'policy reload failed, keeping the previous policy: .*the HTTP API is listening on 192.0.2.5:3766' "$work/open.log"
get open_after "$A" "$open/traceroute?$trace_query"
answered open_after 401 UNAUTHORIZED 'http may not trace'
get open_token "$A" "$open/traceroute?$trace_query" -H "Authorization: Bearer $token"
check "... the old policy is kept: its token still serves (200)" status_is open_token 200
as "$A" "$work/datadog-traceroute" doctor --socket "$socket" >"$work/doctor_after.out" 2>&1
check "... and doctor shows the same load time" \
  test "$(grep 'daemon config' "$work/doctor_before.out" | sed 's/;.*//')" = "$(grep 'daemon config' "$work/doctor_after.out" | sed 's/;.*//')"
check "... (doctor printed it)" grep -q 'daemon config .*, loaded ' "$work/doctor_after.out"
check "the daemon is alive" kill -0 "$daemon_pid"
kill_daemon

if (( failed > 0 )); then
  echo "--- daemon log (tail)"; tail -30 "$work/daemon.log"
  echo "--- open listener log (tail)"; tail -20 "$work/open.log"
fi
finish_checks
