// The shared demux's routing key on any packet: never out of bounds, and a key
// it returns is what the packet really carries, as the full parsers read it
// (an echo reply's id, a quoted source port or echo id, a TCP reply's
// destination port), so the demux never hands a packet to a run it cannot be for.
#include "daemon/probes/wire/icmp_message.hpp"
#include "daemon/probes/wire/ipv4_header.hpp"
#include "daemon/probes/wire/reply_route.hpp"
#include "daemon/probes/wire/tcp_segment.hpp"
#include "tests/fuzz/support/check.hpp"

using namespace ddtr::probes;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::uint8_t> packet(data, size);
  auto route = reply_route(packet);
  if (!route) return 0;
  if (auto icmp = parse_icmp_message(packet)) {
    FUZZ_CHECK(route->ipv6 == icmp->is_v6());
    if (icmp->kind == IcmpKind::EchoReply) {
      FUZZ_CHECK(route->kind == RouteKind::IcmpEcho && route->id == icmp->echo_id);
    } else if (icmp->quoted && route->kind == RouteKind::IcmpEcho) {
      auto echo = quoted_echo_request(*icmp->quoted);
      FUZZ_CHECK(echo && echo->id == route->id);
    } else if (icmp->quoted) {
      auto ports = quoted_ports(*icmp->quoted);
      FUZZ_CHECK(ports && ports->src == route->id);
      FUZZ_CHECK(icmp->quoted->protocol == (route->kind == RouteKind::Udp ? kProtoUdp : kProtoTcp));
    }
    return 0;
  }
  // Not ICMP: only a TCP reply (SYN+ACK or RST) to our port has a route.
  auto tcp = parse_tcp_segment(packet);
  FUZZ_CHECK(tcp.has_value());
  FUZZ_CHECK(route->kind == RouteKind::Tcp && route->id == tcp->dst_port && route->ipv6 == tcp->dst.is_v6());
  bool synack = (tcp->flags & (kTcpSyn | kTcpAck)) == (kTcpSyn | kTcpAck);
  FUZZ_CHECK(synack || (tcp->flags & kTcpRst) != 0);
  return 0;
}
