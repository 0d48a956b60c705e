#!/usr/bin/env bash
# Integration (issue 19 items 2 and 3): TCP traces through the awkward middle
# of a network, in namespaces of 3 routers, the daemon as root, the client as
# `nobody`.
#   1. a target behind a firewall that answers SYNs with a bare RST (no ACK,
#      nothing naming the probe): with the daemon's window of TTLs in flight,
#      the destination's TTL and hop_count must be the path's length;
#   2. SACK through a NAT that does not rewrite the quote in ICMP errors
#      (router 1 translates addresses statelessly): routers past the NAT quote
#      the NAT's address, and their hops must still appear.
#   tcp_paths_test.sh BIN_DIR
# Exit 77 (ctest: skipped) without root or network namespaces.
set -uo pipefail

bin_dir=${1:?usage: $0 BIN_DIR}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/../testutils/harness.sh
source "$here/../testutils/harness.sh"
topology=$here/../testutils/topology.sh

require_root_and_netns

prefix="tp$(( $$ % 10000 ))"
make_work tp
trap clean_up_suite EXIT

write_open_policy

"$topology" up "$prefix" --routers 3
hops=$("$topology" hops "$prefix" --routers 3 | tr '\n' ' ')
check "daemon starts" start_daemon "$socket" --user root --config "$work/daemon.json"

# --- 1. bare RSTs --------------------------------------------------------------------
# Port 4444 on the destination: the kernel never sees the SYNs (dropped at
# input), the responder (before netfilter, on the destination's link) answers
# each with a bare RST.
dest_ns=${prefix}d
ip netns exec "$dest_ns" nft -f - <<'NFT'
table inet barerst {
  chain input {
    type filter hook input priority -10; policy accept;
    tcp dport 4444 drop
  }
}
NFT
ip netns exec "$dest_ns" setsid python3 "$here/../testutils/bare_rst_responder.py" "${prefix}l4b" 4444 \
  </dev/null >>"$work/responder.log" 2>&1 &
sleep 0.5
# -m 15: every TTL up to 15 is in flight at once (the daemon's window is 16),
# so the highest TTL sent when the first RST arrives is far past the target.
trace barerst --proto tcp --tcp-method syn -p 4444 -q 2 -Q 1 --timeout 1000 -m 15 203.0.113.5
check "syn to a bare-RST firewall exits 0" test "$(cat "$work/barerst.rc")" = 0
judge barerst --hops "$hops" --runs 2 --e2e 1 --protocol tcp --port 4444 --run-port 4444
check "... its destination hop is TTL 4, reachable" python3 - "$work/barerst.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
for run in doc["traceroute"]["runs"]:
    last = run["hops"][-1]
    assert last["ttl"] == 4 and last["ip_address"] == "203.0.113.5" and last["reachable"], last
assert doc["traceroute"]["hop_count"]["max"] == 4, doc["traceroute"]["hop_count"]
PY

# --- 2. SACK behind a NAT that leaves the quote alone ----------------------------------
# Router 1 rewrites the client's 192.0.2.5 to 198.51.100.1 on the way out and
# back on the way in, without connection tracking: the ICMP errors of routers
# 2 and 3 and of the target are translated on their outer header only, and
# quote the NAT's address.
nat=198.51.100.1
ip netns exec "${prefix}r1" nft -f - <<NFT
table ip staticnat {
  chain out {
    type filter hook postrouting priority 100; policy accept;
    oifname "${prefix}l2a" ip saddr 192.0.2.5 ip saddr set $nat
  }
  chain in {
    type filter hook prerouting priority -300; policy accept;
    iifname "${prefix}l2a" ip daddr $nat ip daddr set 192.0.2.5
  }
}
NFT
ip netns exec "${prefix}r2" ip route add "$nat/32" via 192.0.2.9
ip netns exec "${prefix}r3" ip route add "$nat/32" via 192.0.2.13
for method in sack prefer_sack; do
  trace "nat-$method" --proto tcp --tcp-method "$method" -p 443 -q 2 -Q 1 --timeout 1000 -m 15 203.0.113.5
  check "$method behind the NAT exits 0" test "$(cat "$work/nat-$method.rc")" = 0
  judge "nat-$method" --hops "$hops" --runs 2 --e2e 1 --protocol tcp --port 443 --run-port 443
done
check "... and the quotes really carried the NAT's address (a SYN trace, strict as Go's, loses those hops)" \
  bash -c "as_nobody() { ip netns exec ${prefix}c setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all --bounding-set=-all --no-new-privs \"\$@\"; }
    as_nobody $work/datadog-traceroute --socket $socket --proto tcp --tcp-method syn -p 443 -q 1 -Q 0 --timeout 500 -m 15 203.0.113.5 \
    | python3 -c 'import json,sys; h=json.load(sys.stdin)[\"traceroute\"][\"runs\"][0][\"hops\"]; sys.exit(0 if h[0][\"ip_address\"]==\"192.0.2.6\" and h[1][\"ip_address\"]==\"\" else 1)'"

finish_checks
