#include "daemon/probes/wire/reply_route.hpp"

#include "daemon/probes/wire/icmp_message.hpp"
#include "daemon/probes/wire/ipv4_header.hpp"
#include "daemon/probes/wire/ipv6_header.hpp"
#include "daemon/probes/wire/tcp_segment.hpp"

namespace ddtr::probes {
namespace {

// An ICMP error: the run is named by what our probe carried, as quoted.
std::optional<ReplyRoute> route_of_quote(const QuotedPacket& q, bool v6) {
  // The quote must be of the same family as the error carrying it.
  if (q.src.is_v6() != v6) return std::nullopt;
  if (q.protocol == (v6 ? kProtoIcmpv6 : kProtoIcmp)) {
    auto echo = quoted_echo_request(q);
    if (!echo) return std::nullopt;
    return ReplyRoute{v6, RouteKind::IcmpEcho, echo->id};
  }
  if (q.protocol != kProtoUdp && q.protocol != kProtoTcp) return std::nullopt;
  auto ports = quoted_ports(q);
  if (!ports) return std::nullopt;
  return ReplyRoute{v6, q.protocol == kProtoUdp ? RouteKind::Udp : RouteKind::Tcp, ports->src};
}

}  // namespace

std::optional<ReplyRoute> reply_route(std::span<const std::uint8_t> ip_packet) {
  if (auto m = parse_icmp_message(ip_packet)) {
    bool v6 = m->is_v6();
    switch (m->kind) {
      case IcmpKind::EchoReply:
        return ReplyRoute{v6, RouteKind::IcmpEcho, m->echo_id};
      case IcmpKind::TimeExceeded:
      case IcmpKind::DestUnreachable:
        if (!m->quoted) return std::nullopt;
        return route_of_quote(*m->quoted, v6);
      default:
        return std::nullopt;
    }
  }
  auto s = parse_tcp_segment(ip_packet);
  if (!s) return std::nullopt;
  bool synack = (s->flags & (kTcpSyn | kTcpAck)) == (kTcpSyn | kTcpAck);
  if (!synack && (s->flags & kTcpRst) == 0) return std::nullopt;
  return ReplyRoute{s->dst.is_v6(), RouteKind::Tcp, s->dst_port};
}

}  // namespace ddtr::probes
