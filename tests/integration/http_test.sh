#!/usr/bin/env bash
# The HTTP API through real sockets (curl, and raw sockets for what curl will
# not send): every route, the parameter and policy error matrix, bearer tokens,
# oversized and malformed requests, slow clients, a client that hangs up, a
# non-loopback listener, and the same document as the CLI for the same trace.
#   http_test.sh BIN_DIR
# Exit 77 (ctest: skipped) without root or network namespaces.
set -uo pipefail

bin_dir=${1:?usage: $0 BIN_DIR}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/../testutils/harness.sh
source "$here/../testutils/harness.sh"
topology=$here/../testutils/topology.sh

require_root_and_netns
command -v curl >/dev/null || { echo "skipped: needs curl"; exit 77; }

prefix="ht$(( $$ % 10000 ))"
make_work http
trap 'stop_jobs; clean_up_suite' EXIT

in_ns() { ip netns exec "${prefix}c" "$@"; }

base=http://127.0.0.1:3765
token=ci-token-for-tests
digest=$(printf %s "$token" | sha256sum | cut -d' ' -f1)

# get NAME URL [CURL-ARGS...]: body in $work/NAME.body, headers in NAME.head, status in NAME.code.
# curl runs as nobody: a loopback caller is judged as the uid owning its socket
# (root would be admin), so it writes to a directory nobody may write.
mkdir -m 1777 "$work/out"
get() {
  local name=$1 url=$2; shift 2
  as_nobody curl -s -o "$work/out/$name.body" -D "$work/out/$name.head" -w '%{http_code}' "$@" "$url" >"$work/$name.code"
  cat "$work/out/$name.body" >"$work/$name.body" 2>/dev/null
  cat "$work/out/$name.head" >"$work/$name.head" 2>/dev/null
}
status_is() { test "$(cat "$work/$1.code")" = "$2"; }
json_field() {  # json_field NAME KEY: a top-level field of the body
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$work/$1.body" "$2"
}
answered() {  # answered NAME STATUS CODE MESSAGE-FRAGMENT: an error matrix row
  local name=$1 status=$2 code=$3 fragment=$4 before=$failed
  check "$name: HTTP $status" status_is "$name" "$status"
  check "$name: code $code" test "$(json_field "$name" code)" = "$code"
  check "$name: message has '$fragment'" grep -qF -- "$fragment" <(json_field "$name" message 2>/dev/null)
  check "$name: application/json" grep -qi '^content-type: application/json' "$work/$name.head"
  (( failed == before )) || { echo "--- $name"; cat "$work/$name.head" "$work/$name.body"; }
  matrix+="| \`$name\` | $status | $code |"$'\n'
}
matrix=""

"$topology" up "$prefix" --routers 3
cat >"$work/daemon.json" <<EOF
{
  "roles": {"user": {"max_traceroute_queries": 10, "concurrent_traces": 2, "queued_traces": 0,
                     "rate_per_minute": 100000, "burst": 100000}},
  "destinations": {"deny": ["203.0.113.77"]},
  "http": {"max_connections": 8, "max_request_bytes": 2048, "max_header_fields": 20, "idle_timeout_ms": 1500,
           "tokens": [{"name": "ci", "sha256": "$digest", "role": "admin"}]},
  "audit_log": "$work/audit.log"
}
EOF
# Started directly (not through in_ns, whose subshell would stand between $! and the daemon).
# --user root: uid 0 with CAP_NET_RAW alone whether or not the package's user exists here
ip netns exec "${prefix}c" "$work/datadog-tracerouted" --foreground --user root --socket "$socket" --config "$work/daemon.json" \
  --http-listen 127.0.0.1:3765 --log-level debug >>"$work/daemon.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 100); do in_ns curl -s -o /dev/null "$base/health" && break; sleep 0.1; done

# --- routes -----------------------------------------------------------------------------------------
get health "$base/health"
check "/health: 200" status_is health 200
check "/health: status healthy" test "$(json_field health status)" = healthy
check "/health: an RFC 3339 UTC timestamp" grep -qE '"timestamp":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z"' "$work/health.body"
check "/health: a Go duration uptime" grep -qE '"uptime":"[0-9.]+(ns|µs|ms|s|m[0-9.]+s)"' "$work/health.body"
get health_head "$base/health" --head
check "HEAD /health: 200" status_is health_head 200
check "... application/json, no body" grep -qi '^content-length: 0' "$work/health_head.head"
get health_post "$base/health" -X POST
check "POST /health: 405 Method not allowed" test "$(cat "$work/health_post.code")" = 405 -a "$(cat "$work/health_post.body")" = "Method not allowed"
get tr_head "$base/traceroute?target=203.0.113.5" --head
check "HEAD /traceroute: 405" status_is tr_head 405
get nowhere "$base/nowhere"
check "unknown path: 404 page not found, text/plain" test "$(cat "$work/nowhere.code")" = 404 -a "$(cat "$work/nowhere.body")" = "404 page not found"
check "... with text/plain" grep -qi '^content-type: text/plain; charset=utf-8' "$work/nowhere.head"
# Issue 19 item 9: Go's Date header, the decoded path, ICMP's port ignored.
date_re='^date: (Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT'
check "every answer has Go's Date header (200, 404)" \
  bash -c "grep -qiE '$date_re' '$work/health.head' && grep -qiE '$date_re' '$work/nowhere.head'"
get escaped "$base/%68ealth" --path-as-is
check "a percent-encoded path is routed decoded (/%68ealth is /health): 200" status_is escaped 200
get badescape "$base/heal%zzth" --path-as-is
check "a bad escape in the path: 400, as Go" status_is badescape 400
get icmpport "$base/traceroute?target=203.0.113.5&protocol=icmp&port=99999&traceroute-queries=1&e2e-queries=0&max-ttl=8"
check "ICMP with port 99999 traces (the port is ignored, as Go): 200" status_is icmpport 200
check "... and reports the port as given" python3 -c '
import json, sys; assert json.load(open(sys.argv[1]))["destination"]["port"] == 99999' "$work/icmpport.body"

# --- a trace, and the same trace through the CLI ------------------------------------------------------
get trace "$base/traceroute?target=203.0.113.5&protocol=icmp&traceroute-queries=2&e2e-queries=3&max-ttl=8"
check "/traceroute: 200 application/json" test "$(cat "$work/trace.code")" = 200
check "... compact JSON and a newline" python3 -c '
import sys; b = open(sys.argv[1], "rb").read(); sys.exit(0 if b.endswith(b"}\n") and b.count(b"\n") == 1 else 1)' "$work/trace.body"
in_ns setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all --bounding-set=-all --no-new-privs \
  "$work/datadog-traceroute" --socket "$socket" --proto icmp -q 2 -Q 3 -m 8 203.0.113.5 >"$work/cli.json" 2>/dev/null
check "the HTTP document and the CLI's have the same shape and hops" python3 -c '
import json, sys
def shape(v):
    if isinstance(v, dict): return {k: shape(x) for k, x in v.items()}
    if isinstance(v, list): return [shape(x) for x in v]
    return type(v).__name__
http, cli = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
hops = lambda d: [[h["ip_address"] for h in r["hops"]] for r in d["traceroute"]["runs"]]
same = shape(http) == shape(cli) and hops(http) == hops(cli) and http["destination"] == cli["destination"] \
    and http["e2e_probe"]["packets_received"] == cli["e2e_probe"]["packets_received"] == 3
sys.exit(0 if same else 1)' "$work/trace.body" "$work/cli.json"

# --- the error matrix ----------------------------------------------------------------------------------
get missing "$base/traceroute"
answered missing 400 INVALID_REQUEST 'missing required parameter: target'
get badproto "$base/traceroute?target=203.0.113.5&protocol=sctp"
answered badproto 400 INVALID_REQUEST 'unknown protocol'
get badmethod "$base/traceroute?target=203.0.113.5&protocol=tcp&tcp-method=bogus"
answered badmethod 500 UNKNOWN 'unexpected TCPMethod: bogus'
get badport "$base/traceroute?target=203.0.113.5&port=70000"
answered badport 400 INVALID_REQUEST 'invalid port 70000'
get dns "$base/traceroute?target=no-such-host.invalid&protocol=icmp&traceroute-queries=1&e2e-queries=0"
answered dns 500 DNS 'no-such-host.invalid'
get bounds "$base/traceroute?target=203.0.113.5&protocol=icmp&traceroute-queries=11"
answered bounds 400 INVALID_REQUEST 'traceroute queries 11 is above the limit of 10 for role "user"'
get denylist "$base/traceroute?target=203.0.113.77&protocol=icmp"
answered denylist 403 POLICY_DENIED 'destination 203.0.113.77 is denied by 203.0.113.77 (destinations.deny)'
get metadata "$base/traceroute?target=169.254.169.254&protocol=icmp"
answered metadata 403 POLICY_DENIED 'destination 169.254.169.254 is denied by 169.254.0.0/16'
get badtoken "$base/traceroute?target=203.0.113.5&protocol=icmp" -H "Authorization: Bearer wrong"
answered badtoken 401 UNAUTHORIZED 'unknown bearer token'
check "... with WWW-Authenticate: Bearer" grep -qi '^www-authenticate: Bearer' "$work/badtoken.head"
get badscheme "$base/traceroute?target=203.0.113.5&protocol=icmp" -H "Authorization: Basic eDp5"
answered badscheme 401 UNAUTHORIZED 'must be "Bearer TOKEN"'
get admin "$base/traceroute?target=203.0.113.5&protocol=icmp&traceroute-queries=20&e2e-queries=0&max-ttl=8" \
  -H "Authorization: Bearer $token"
check "the admin token may exceed the user bounds: 200" status_is admin 200
# Quota: nobody (the uid behind curl) runs 2 at once and queues none.
slow="$base/traceroute?target=203.0.113.66&protocol=icmp&traceroute-queries=1&e2e-queries=0&max-ttl=8&timeout=2000"
get slow1 "$slow" & s1=$!
get slow2 "$slow" & s2=$!
for _ in $(seq 100); do (( $(grep -c 'trace request: http=nobody .*203.0.113.66' "$work/daemon.log") >= 2 )) && break; sleep 0.05; done
get quota "$slow"
answered quota 429 QUOTA_EXCEEDED 'already has 2 traces running and 0 waiting'
wait "$s1" "$s2"
check "the two running slow traces completed (200)" test "$(cat "$work/slow1.code")$(cat "$work/slow2.code")" = 200200

# --- oversized, malformed, slow and vanishing clients -------------------------------------------------
get bighead "$base/health" -H "X-Junk: $(head -c 3000 /dev/zero | tr '\0' a)"
check "a request over max_request_bytes: 431" status_is bighead 431
many=(); for i in $(seq 25); do many+=(-H "X-H$i: v"); done
get manyheads "$base/health" "${many[@]}"
check "more header fields than max_header_fields: 431" status_is manyheads 431
in_ns /usr/bin/python3 - >"$work/raw.out" <<'EOF'
import socket
def ask(data):
    s = socket.create_connection(("127.0.0.1", 3765)); s.sendall(data); s.settimeout(3)
    out = b""
    try:
        while True:
            chunk = s.recv(4096)
            if not chunk: break
            out += chunk
    except socket.timeout:
        pass
    return out.split(b"\r\n")[0].decode()
print(ask(b"GARBAGE\r\n\r\n"))
print(ask(b"GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n"))
print(ask(b"GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"))
EOF
check "a malformed request line: 400" test "$(sed -n 1p "$work/raw.out")" = "HTTP/1.1 400 Bad Request"
check "a body over the limit: 431" test "$(sed -n 2p "$work/raw.out")" = "HTTP/1.1 431 Request Header Fields Too Large"
check "a GET with a body: 400" test "$(sed -n 3p "$work/raw.out")" = "HTTP/1.1 400 Bad Request"

# 30 slow clients of one user (root; one header byte every 200 ms): it holds at
# most its share, 6 (http.max_connections 8 less the quarter kept for callers
# that hold none), the other 24 get 503 at once; those held are cut at the idle
# timeout (1.5 s), and the daemon serves again after.
in_ns /usr/bin/python3 - >"$work/slow.out" 2>&1 <<'EOF' &
import socket, time
socks = []
for _ in range(30):
    s = socket.create_connection(("127.0.0.1", 3765)); s.setblocking(False); socks.append(s)
request = b"GET /health HTTP/1.1\r\nHost: slow\r\nX-Slow: " + b"a" * 100
start = time.monotonic(); closed = {}
time.sleep(0.5)
busy = 0  # refused at accept: 503 before a byte was sent
for s in socks:
    try:
        if s.recv(4096).startswith(b"HTTP/1.1 503"): busy += 1
    except BlockingIOError:
        pass
for i in range(len(request) * 2):
    for n, s in enumerate(socks):
        if n in closed: continue
        try:
            s.send(request[i % len(request):i % len(request) + 1])
            try:
                if s.recv(4096) == b"": closed[n] = time.monotonic() - start
            except BlockingIOError:
                pass
        except OSError:
            closed[n] = time.monotonic() - start
    if len(closed) == len(socks) or time.monotonic() - start > 8: break
    time.sleep(0.2)
print(len(closed), max(closed.values()) if closed else -1, busy)
EOF
slowloris=$!
sleep 0.5
in_ns setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all --bounding-set=-all --no-new-privs \
  "$work/datadog-traceroute" --socket "$socket" --proto icmp -q 1 -Q 0 -m 8 203.0.113.5 >/dev/null 2>&1
check "RPC traces go on while slow HTTP clients hold the HTTP slots" test $? = 0
get busy "$base/health"
check "another user is served while one user's slow clients hold its share (200)" status_is busy 200
wait "$slowloris"
read -r slow_closed slow_last slow_busy <"$work/slow.out"
echo "# slow clients: $slow_closed/30 closed by the daemon, the last after ${slow_last} s; ${slow_busy} refused at once"
check "one user's clients past its share get 503 at once (24 of 30)" test "${slow_busy:-}" = 24
check "every slow client was cut off by the daemon" test "$slow_closed" = 30
get after_slow "$base/health"
check "the API answers again once they are gone" status_is after_slow 200

as_nobody curl -s -o /dev/null --max-time 0.5 "$slow"
for _ in $(seq 50); do grep -q 'trace cancelled: http=nobody' "$work/daemon.log" && break; sleep 0.05; done
check "a client that hangs up cancels its trace" grep -q 'trace cancelled: http=nobody' "$work/daemon.log"

# --- the audit trail ------------------------------------------------------------------------------------
check "HTTP requests are audited with source, principal (the uid behind a loopback socket) and remote address" python3 -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
http = [l for l in lines if l["source"] == "http"]
ok = http and all(l["remote"].startswith("127.0.0.1:") and l["pid"] is None for l in http)
ok = ok and all(l["uid"] == 65534 and l["user"] == "nobody" for l in http if not l["user"].startswith("http"))
ok = ok and any(l["user"] == "http:ci" and l["role"] == "admin" and l["uid"] is None for l in http)
ok = ok and any(l["outcome"] == "cancelled" for l in http)
ok = ok and any(l["verdict"] == "refused" and l["error"]["code"] == "UNAUTHORIZED" for l in http)
sys.exit(0 if ok else 1)' "$work/audit.log"

# --- a listener off loopback ----------------------------------------------------------------------------
kill_daemon
echo '{"audit_log": "'"$work"'/audit2.log"}' >"$work/open.json"
in_ns "$work/datadog-tracerouted" --foreground --user root --socket "$socket" --config "$work/open.json" \
  --http-listen 192.0.2.5:3766 >"$work/open.log" 2>&1
check "a non-loopback listener without tokens refuses to start" test $? != 0
check "... saying why" grep -q 'is not loopback, so every caller must show a token' "$work/open.log"
cat >"$work/tokens.json" <<EOF
{"http": {"anonymous_role": "denied", "tokens": [{"name": "ci", "sha256": "$digest", "role": "user"}]},
 "audit_log": "$work/audit2.log"}
EOF
ip netns exec "${prefix}c" "$work/datadog-tracerouted" --foreground --user root --socket "$socket" --config "$work/tokens.json" \
  --http-listen 192.0.2.5:3766 >>"$work/daemon.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 100); do in_ns curl -s -o /dev/null http://192.0.2.5:3766/health && break; sleep 0.1; done
get open_anon "http://192.0.2.5:3766/traceroute?target=203.0.113.5&protocol=icmp&traceroute-queries=1&e2e-queries=0"
answered open_anon 401 UNAUTHORIZED 'http may not trace: role "denied" (http.anonymous_role)'
get open_token "http://192.0.2.5:3766/traceroute?target=203.0.113.5&protocol=icmp&traceroute-queries=1&e2e-queries=0" \
  -H "Authorization: Bearer $token"
check "... and serves a caller with a token" status_is open_token 200

echo "# HTTP error matrix:"
echo "| request | status | code |"
echo "|---|---|---|"
printf '%s' "$matrix"
if (( failed > 0 )); then echo "--- daemon log (tail)"; tail -40 "$work/daemon.log"; fi
finish_checks
