#!/usr/bin/env bash
# The project's own test network: a chain of routers in network namespaces.
#
#   topology.sh up PREFIX [--routers N] [--silent-hop K] [--lossy-hop K [--loss-percent P]] [--ecmp-hop K]
#   topology.sh down PREFIX
#   topology.sh hops PREFIX [--routers N]     # expected IPv4 hop addresses, one per line
#   topology.sh hops6 PREFIX [--routers N]    # expected IPv6 hop addresses, one per line
#
#   ${PREFIX}c --link1-- ${PREFIX}r1 --link2-- ... ${PREFIX}rN --link(N+1)-- ${PREFIX}d
#
# Link i is 192.0.2.(4i)/30: the upstream end .4i+1, the downstream end .4i+2, so
# router i answers from 192.0.2.(4i+2). In IPv6, link i is 2001:db8:1:i::/64
# (::1 upstream, ::2 downstream), so router i answers from 2001:db8:1:i::2.
# The destination answers the whole of 203.0.113.0/24 (a local route on lo)
# and 2001:db8:ffff::5.
# It drops everything to 203.0.113.66 (a filtered target) and TCP port 81 (a
# filtered port). --lossy-hop K: router K drops 20 % of what it forwards
# (--loss-percent P: P % instead, 1..99).
# --ecmp-hop K (IPv4): router K gets a twin ${PREFIX}rKb on the links
# 198.51.100.(4K)/30 (from router K-1) and 198.51.100.(4K+4)/30 (to router K+1);
# router K-1 and K+1 spread flows over both with an L4 hash (Paris-style
# probes keep one branch per run), so hop K is 192.0.2.(4K+2) or
# 198.51.100.(4K+2) and hop K+1 is 192.0.2.(4K+6) or 198.51.100.(4K+6). Only documentation addresses, only inside
# namespaces made here. Routers forward with ICMP rate limits off; --silent-hop K
# makes router K drop the ICMP it would send itself (it still forwards).
set -euo pipefail

usage() { echo "usage: $0 up|down|hops|hops6 PREFIX [--routers N] [--silent-hop K]" >&2; exit 2; }
[[ $# -ge 2 ]] || usage
cmd=$1 prefix=$2
shift 2
routers=8 silent=0 lossy=0 ecmp=0 loss_percent=20
while [[ $# -gt 0 ]]; do
  case $1 in
    --routers) routers=$2; shift 2 ;;
    --silent-hop) silent=$2; shift 2 ;;
    --lossy-hop) lossy=$2; shift 2 ;;
    --loss-percent) loss_percent=$2; shift 2 ;;
    --ecmp-hop) ecmp=$2; shift 2 ;;
    *) usage ;;
  esac
done
(( loss_percent >= 1 && loss_percent <= 99 )) || { echo "topology: --loss-percent must be 1..99" >&2; exit 2; }
(( routers >= 1 && routers <= 60 )) || { echo "topology: --routers must be 1..60" >&2; exit 2; }
(( ${#prefix} <= 6 )) || { echo "topology: PREFIX must be at most 6 characters (interface names)" >&2; exit 2; }

ns_name() {  # position 0 = client, 1..N = routers, N+1 = destination
  if (( $1 == 0 )); then echo "${prefix}c"; elif (( $1 == routers + 1 )); then echo "${prefix}d"; else echo "${prefix}r$1"; fi
}
addr() { echo "192.0.2.$(( 4 * $1 + $2 ))"; }  # link i, end 1 (upstream) or 2 (downstream)
addr6() { echo "2001:db8:1:$(printf %x "$1")::$2"; }
nx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

down() {
  local ns
  for ns in $(ip netns list | awk '{print $1}' | grep -E "^${prefix}(c|d|r[0-9]+b?)$" || true); do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
    rm -rf "/etc/netns/$ns"
  done
}

link_pair() {  # link_pair NS_A IF_A ADDR_A NS_B IF_B ADDR_B (IPv4 /30, permanent neighbours)
  ip link add "$2" netns "$1" type veth peer name "$5" netns "$4"
  nx "$1" ip addr add "$3/30" dev "$2"
  nx "$4" ip addr add "$6/30" dev "$5"
  nx "$1" ip link set "$2" up
  nx "$4" ip link set "$5" up
  local mac_a mac_b
  mac_a=$(nx "$1" cat "/sys/class/net/$2/address")
  mac_b=$(nx "$4" cat "/sys/class/net/$5/address")
  nx "$1" ip neigh replace "$6" lladdr "$mac_b" dev "$2" nud permanent
  nx "$4" ip neigh replace "$3" lladdr "$mac_a" dev "$5" nud permanent
}

add_twin() {  # a second router K beside router K, and multipath around it
  local k=$1 twin="${prefix}r${1}b" before after j
  before=$(ns_name $(( k - 1 ))) after=$(ns_name $(( k + 1 )))
  ip netns add "$twin"
  mkdir -p "/etc/netns/$twin"
  echo "nameserver 127.0.0.1" >"/etc/netns/$twin/resolv.conf"
  nx "$twin" ip link set lo up
  nx "$twin" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.icmp_ratelimit=0 net.ipv4.icmp_ratemask=0 \
    net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 net.ipv4.icmp_errors_use_inbound_ifaddr=1
  local in_a="198.51.100.$(( 4 * k + 1 ))" in_b="198.51.100.$(( 4 * k + 2 ))"
  local out_a="198.51.100.$(( 4 * k + 5 ))" out_b="198.51.100.$(( 4 * k + 6 ))"
  link_pair "$before" "${prefix}x${k}a" "$in_a" "$twin" "${prefix}x${k}b" "$in_b"
  link_pair "$twin" "${prefix}y${k}a" "$out_a" "$after" "${prefix}y${k}b" "$out_b"
  nx "$twin" ip route add default via "$out_b"
  for (( j = 1; j <= k; j++ )); do nx "$twin" ip route replace "$(addr "$j" 0)/30" via "$in_a"; done
  # The routers on both sides hash flows (L4) over the two branches.
  nx "$before" sysctl -qw net.ipv4.fib_multipath_hash_policy=1
  nx "$after" sysctl -qw net.ipv4.fib_multipath_hash_policy=1
  nx "$before" ip route replace default nexthop via "$(addr "$k" 2)" nexthop via "$in_b"
  for (( j = 1; j <= k; j++ )); do
    nx "$after" ip route replace "$(addr "$j" 0)/30" nexthop via "$(addr $(( k + 1 )) 1)" nexthop via "$out_a"
  done
}

up() {
  down
  local i ns
  for (( i = 0; i <= routers + 1; i++ )); do
    ns=$(ns_name "$i")
    ip netns add "$ns"
    # `ip netns exec` bind-mounts this over /etc/resolv.conf: name lookups made
    # inside the test network go to the namespace's own loopback, never out.
    mkdir -p "/etc/netns/$ns"
    echo "nameserver 127.0.0.1" >"/etc/netns/$ns/resolv.conf"
    nx "$ns" ip link set lo up
    nx "$ns" sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv4.icmp_ratemask=0 \
      net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
      net.ipv6.icmp.ratelimit=0 net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
      net.ipv4.icmp_errors_use_inbound_ifaddr=1
  done
  for (( i = 1; i <= routers + 1; i++ )); do
    local up_ns down_ns
    up_ns=$(ns_name $(( i - 1 ))) down_ns=$(ns_name "$i")
    ip link add "${prefix}l${i}a" netns "$up_ns" type veth peer name "${prefix}l${i}b" netns "$down_ns"
    nx "$up_ns" ip addr add "$(addr "$i" 1)/30" dev "${prefix}l${i}a"
    nx "$down_ns" ip addr add "$(addr "$i" 2)/30" dev "${prefix}l${i}b"
    nx "$up_ns" ip -6 addr add "$(addr6 "$i" 1)/64" dev "${prefix}l${i}a" nodad
    nx "$down_ns" ip -6 addr add "$(addr6 "$i" 2)/64" dev "${prefix}l${i}b" nodad
    nx "$up_ns" ip link set "${prefix}l${i}a" up
    nx "$down_ns" ip link set "${prefix}l${i}b" up
    # Permanent neighbour entries: no ARP or neighbour discovery on the path,
    # so the first probes of a trace are not lost while addresses resolve.
    local mac_a mac_b
    mac_a=$(nx "$up_ns" cat "/sys/class/net/${prefix}l${i}a/address")
    mac_b=$(nx "$down_ns" cat "/sys/class/net/${prefix}l${i}b/address")
    nx "$up_ns" ip neigh replace "$(addr "$i" 2)" lladdr "$mac_b" dev "${prefix}l${i}a" nud permanent
    nx "$up_ns" ip -6 neigh replace "$(addr6 "$i" 2)" lladdr "$mac_b" dev "${prefix}l${i}a" nud permanent
    nx "$down_ns" ip neigh replace "$(addr "$i" 1)" lladdr "$mac_a" dev "${prefix}l${i}b" nud permanent
    nx "$down_ns" ip -6 neigh replace "$(addr6 "$i" 1)" lladdr "$mac_a" dev "${prefix}l${i}b" nud permanent
  done
  # Routes: towards the destination side via the next hop, back via the previous one.
  nx "$(ns_name 0)" ip route add default via "$(addr 1 2)"
  nx "$(ns_name 0)" ip -6 route add default via "$(addr6 1 2)"
  for (( i = 1; i <= routers; i++ )); do
    ns=$(ns_name "$i")
    nx "$ns" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
    nx "$ns" ip route add default via "$(addr $(( i + 1 )) 2)"
    nx "$ns" ip -6 route add default via "$(addr6 $(( i + 1 )) 2)"
    local j
    for (( j = 1; j < i; j++ )); do
      nx "$ns" ip route replace "$(addr "$j" 0)/30" via "$(addr "$i" 1)"
      nx "$ns" ip -6 route replace "$(addr6 "$j" "")/64" via "$(addr6 "$i" 1)"
    done
  done
  ns=$(ns_name $(( routers + 1 )))
  nx "$ns" ip route add default via "$(addr $(( routers + 1 )) 1)"
  nx "$ns" ip route add local 203.0.113.0/24 dev lo
  nx "$ns" ip -6 route add default via "$(addr6 $(( routers + 1 )) 1)"
  nx "$ns" ip -6 addr add 2001:db8:ffff::5/128 dev lo nodad
  # TCP 443 listens (SYN -> SYN-ACK) and keeps connections open (SACK probing
  # needs one), every other TCP port is closed (RST), UDP ports are closed
  # (port unreachable). The listener dies with the namespace.
  nx "$ns" setsid python3 -c '
import socket, time
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("::", 443))
s.listen(64)
held = []
while True:
    c, _ = s.accept()
    held.append(c)
    held = held[-256:]
' </dev/null >/dev/null 2>&1 &
  local tries
  for (( tries = 0; tries < 50; tries++ )); do
    nx "$ns" ss -Htln 'sport = :443' | grep -q . && break
    sleep 0.1
  done
  nx "$ns" nft -f - <<'NFT'
table inet filtered {
  chain input {
    type filter hook input priority 0; policy accept;
    ip daddr 203.0.113.66 drop
    tcp dport 81 drop
  }
}
NFT
  if (( lossy >= 1 && lossy <= routers )); then
    nx "$(ns_name "$lossy")" nft -f - <<NFT
table inet lossy {
  chain forward {
    type filter hook forward priority 0; policy accept;
    numgen random mod 100 < $loss_percent drop
  }
}
NFT
  fi
  if (( ecmp > 1 && ecmp < routers )); then add_twin "$ecmp"; fi
  if (( silent >= 1 && silent <= routers )); then
    nx "$(ns_name "$silent")" nft -f - <<'NFT'
table inet silent {
  chain output {
    type filter hook output priority 0; policy accept;
    meta l4proto { icmp, ipv6-icmp } drop
  }
}
NFT
  fi
}

hops() {
  local i
  for (( i = 1; i <= routers; i++ )); do addr "$i" 2; done
  echo 203.0.113.5
}

hops6() {
  local i
  for (( i = 1; i <= routers; i++ )); do addr6 "$i" 2; done
  echo 2001:db8:ffff::5
}

case $cmd in
  up) up ;;
  down) down ;;
  hops) hops ;;
  hops6) hops6 ;;
  *) usage ;;
esac
