#!/usr/bin/env bash
# Integration (issue 19, items 5 and 6): the public IP fetch in a namespace of
# its own. An uplink 198.51.100.10/24 (a veth pair, both ends in the
# namespace: nothing answers beyond it) with a default route; the fake
# checker listens on that address, a fake proxy on 127.0.0.1; no packet leaves
# the namespace (traces use -q 0 -Q 0: the public IP fetch is all they do).
#   5: the daemon forgets the public IP when the default route or the
#      addresses change (rtnetlink), and keeps it otherwise.
#   6: HTTPS_PROXY/HTTP_PROXY (CONNECT for https://, the absolute URL for
#      http://), NO_PROXY, the policy's public_ip.proxy winning over the
#      environment, redirects followed (301, 302, 307, 308) and a redirect loop
#      stopped at Go's bound.
#   public_ip_test.sh BIN_DIR
# Exit 77 (ctest: skipped) without root or network namespaces.
set -uo pipefail

bin_dir=${1:?usage: $0 BIN_DIR}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/../testutils/harness.sh
source "$here/../testutils/harness.sh"
fake=$here/../testutils/fake_public_ip.py

require_root_and_netns

prefix="pip$(( $$ % 10000 ))"
ns="${prefix}c"
work=$(mktemp -d /tmp/ddtr-pip.XXXXXX)
chmod 755 "$work"
daemon_pid=""
helpers=()

stop_daemon() {
  if [[ -n $daemon_pid ]]; then kill "$daemon_pid" 2>/dev/null; wait "$daemon_pid" 2>/dev/null; fi
  daemon_pid=""
}
cleanup() {
  stop_daemon
  for pid in "${helpers[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  ip netns del "$ns" 2>/dev/null
  if [[ -n ${KEEP_WORK:-} ]]; then echo "# kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

install -m 0755 "$bin_dir/datadog-tracerouted" "$bin_dir/datadog-traceroute" "$work/"
mkdir -m 0755 "$work/run"
socket=$work/run/daemon.sock
uplink=198.51.100.10

ip netns add "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" link add up0 type veth peer name up1
ip -n "$ns" addr add "$uplink/24" dev up0
ip -n "$ns" link set up0 up
ip -n "$ns" link set up1 up
ip -n "$ns" route add default via 198.51.100.1 dev up0

# A certificate for the checker's address, trusted by the daemon through
# SSL_CERT_FILE (OpenSSL's default verify paths honour it).
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=$uplink" -addext "subjectAltName=IP:$uplink" \
  -keyout "$work/key.pem" -out "$work/cert.pem" >/dev/null 2>&1

cat >"$work/daemon.json" <<JSON
{"audit_log": "$work/audit.log"}
JSON

serve() {  # serve LOG ARGS...: a fake server in the namespace, waited for
  local log=$1; shift
  : >"$log"
  ip netns exec "$ns" python3 "$fake" "$@" --log "$log" >"$log.out" 2>&1 &
  helpers+=($!)
  for _ in $(seq 300); do grep -q listening "$log.out" 2>/dev/null && return 0; sleep 0.1; done
  return 1
}
answer() { printf '%s\n' "$1" >"$work/answer"; }
answer 192.0.2.101
check "fake checker (http) starts" serve "$work/checker.log" checker --bind "$uplink" --port 8081 --answer "$work/answer"
check "fake checker (https) starts" serve "$work/checker_tls.log" checker --bind "$uplink" --port 8443 --answer "$work/answer" \
  --cert "$work/cert.pem" --key "$work/key.pem"
check "fake proxy starts" serve "$work/proxy.log" proxy --bind 127.0.0.1 --port 3128

start_daemon() {  # start_daemon [ENV=VALUE...] -- [DAEMON FLAGS...]
  local envs=()
  while [[ $# -gt 0 && $1 != -- ]]; do envs+=("$1"); shift; done
  shift
  stop_daemon
  rm -f "$socket"
  : >"$work/daemon.log"
  env -u HTTPS_PROXY -u https_proxy -u HTTP_PROXY -u http_proxy -u NO_PROXY -u no_proxy \
    SSL_CERT_FILE="$work/cert.pem" "${envs[@]}" \
    ip netns exec "$ns" "$work/datadog-tracerouted" --foreground --user root --socket "$socket" --log-level debug \
    --config "$work/daemon.json" "$@" >>"$work/daemon.log" 2>&1 &
  daemon_pid=$!
  for _ in $(seq 100); do [[ -S $socket ]] && return 0; sleep 0.1; done
  return 1
}

public_ip() {  # prints the source.public_ip of a trace that fetches nothing else
  as_nobody "$work/datadog-traceroute" --socket "$socket" -q 0 -Q 0 --source-public-ip 203.0.113.5 >"$work/out.json" \
    2>"$work/out.err"
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["source"]["public_ip"])' "$work/out.json" 2>/dev/null
}
says() { [[ $(public_ip) == "$1" ]] || { echo "# got '$(cat "$work/out.json" "$work/out.err")'"; return 1; }; }
logged() { grep -qF -- "$2" "$1"; }
wait_logged() {  # wait_logged FILE TEXT: up to 5 s (the daemon logs the change it saw)
  for _ in $(seq 50); do grep -qF -- "$2" "$1" && return 0; sleep 0.1; done
  return 1
}
requests() { grep -cF -- "$2" "$1"; }
wait_count() {  # wait_count FILE TEXT N: until TEXT is on N lines (up to 5 s)
  for _ in $(seq 50); do (( $(grep -cF -- "$2" "$1") >= $3 )) && return 0; sleep 0.1; done
  return 1
}

# --- 5. the public IP is forgotten when the network changes -------------------------
check "daemon starts" start_daemon -- --public-ip-url "http://$uplink:8081/ip"
check "the first trace reports the checker's answer (A)" says 192.0.2.101
answer 192.0.2.102
check "... the next reports A again: cached, not fetched" says 192.0.2.101
check "... one request reached the checker" test "$(requests "$work/checker.log" "GET /ip")" = 1

ip -n "$ns" route replace default via 198.51.100.2 dev up0
check "the daemon sees the default route change" wait_logged "$work/daemon.log" "default route added"
check "... and the next trace reports the new answer (B)" says 192.0.2.102

answer 192.0.2.103
ip -n "$ns" addr add 198.51.100.11/24 dev up0
check "the daemon sees the address change" wait_logged "$work/daemon.log" "address added"
ip -n "$ns" route replace default via 198.51.100.1 dev up0 src 198.51.100.11
check "... and the route's new source" wait_count "$work/daemon.log" "default route added" 2
check "... and the next trace reports the new answer (C)" says 192.0.2.103
answer 192.0.2.104
check "... which is kept while the network stays" says 192.0.2.103
ip -n "$ns" addr del 198.51.100.11/24 dev up0
check "a removed address drops it too" wait_logged "$work/daemon.log" "address removed"
check "... the next trace reports D" says 192.0.2.104
ip -n "$ns" route replace default via 198.51.100.1 dev up0

# --- 6. proxies ---------------------------------------------------------------------
proxy=http://127.0.0.1:3128
check "daemon starts with HTTPS_PROXY/HTTP_PROXY" start_daemon HTTPS_PROXY=$proxy http_proxy=$proxy -- \
  --public-ip-url "https://$uplink:8443/ip"
answer 192.0.2.105
check "https:// through the proxy: the answer" says 192.0.2.105
check "... the proxy was asked to CONNECT" logged "$work/proxy.log" "CONNECT $uplink:8443 HTTP/1.1"
check "... and the checker answered inside the tunnel (TLS)" logged "$work/checker_tls.log" "GET /ip HTTP/1.1"

check "daemon starts with lower-case http_proxy, an http:// checker" start_daemon http_proxy=$proxy -- \
  --public-ip-url "http://$uplink:8081/ip"
check "http:// through the proxy: the answer" says 192.0.2.105
check "... the proxy was asked for the absolute URL" logged "$work/proxy.log" "GET http://$uplink:8081/ip HTTP/1.1"

: >"$work/proxy.log"
check "daemon starts with NO_PROXY naming the checker's network" \
  start_daemon HTTPS_PROXY=$proxy HTTP_PROXY=$proxy NO_PROXY="example.test, 198.51.100.0/24" -- \
  --public-ip-url "https://$uplink:8443/ip"
check "NO_PROXY: the answer" says 192.0.2.105
check "... and the proxy saw nothing" test ! -s "$work/proxy.log"

cat >"$work/daemon.json" <<JSON
{"audit_log": "$work/audit.log", "public_ip": {"proxy": "$proxy"}}
JSON
check "daemon starts with public_ip.proxy and a dead HTTPS_PROXY" \
  start_daemon HTTPS_PROXY=http://127.0.0.1:9 NO_PROXY=198.51.100.0/24 -- --public-ip-url "https://$uplink:8443/ip"
check "the policy's proxy wins over the environment (NO_PROXY included)" says 192.0.2.105
check "... through the policy's proxy" logged "$work/proxy.log" "CONNECT $uplink:8443 HTTP/1.1"
cat >"$work/daemon.json" <<JSON
{"audit_log": "$work/audit.log", "public_ip": {"proxy": "direct"}}
JSON
: >"$work/proxy.log"
answer 192.0.2.107
kill -HUP "$daemon_pid"
check "... after a reload to \"direct\"" wait_logged "$work/daemon.log" "policy reloaded"
check "... the answer fetched through the old proxy is forgotten; the fetch goes direct" says 192.0.2.107
check "... and the proxy saw nothing" test ! -s "$work/proxy.log"
cat >"$work/daemon.json" <<JSON
{"audit_log": "$work/audit.log"}
JSON

# --- 6. redirects -------------------------------------------------------------------
: >"$work/checker.log"
check "daemon starts with a checker that redirects 301, 302, 307, 308" start_daemon -- \
  --public-ip-url "http://$uplink:8081/r301"
answer 192.0.2.106
check "the redirects are followed to the answer" says 192.0.2.106
check "... every hop of the chain asked" bash -c "grep -c 'GET /r30[1278] ' '$work/checker.log' | grep -qx 4"

: >"$work/checker.log"
check "daemon starts with a redirect loop, then a checker that answers" start_daemon -- \
  --public-ip-url "http://$uplink:8081/loop" --public-ip-url "http://$uplink:8081/ip"
check "the loop gives up, the next checker answers" says 192.0.2.106
check "... with Go's error: stopped after 10 redirects" \
  logged "$work/daemon.log" "error fetching: http://$uplink:8081/loop, failed to fetch req: Get \"/loop\": stopped after 10 redirects"
loops=$(requests "$work/checker.log" "GET /loop ")
# Each attempt stops at 10 requests; the fetch's own deadline (2 s a try) may
# cut the last attempt short on a busy machine, so only the total is bounded.
check "... the loop was followed to the bound at least once ($loops requests in all)" test "$loops" -ge 10

finish_checks
