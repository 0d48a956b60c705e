#include "daemon/probes/icmp/icmp_packet_parse.hpp"

#include "daemon/probes/wire/byte_order.hpp"

namespace ddtr::probes {

std::optional<IcmpV4Reply> parse_icmp_v4_reply(std::span<const std::uint8_t> packet) {
  auto ip = parse_ipv4(packet);
  if (!ip || ip->header.protocol != kProtoIcmp) return std::nullopt;
  // Non-first fragments carry no ICMP header.
  if ((ip->header.flags_fragment & 0x1fff) != 0) return std::nullopt;
  auto icmp = ip->payload;
  if (icmp.size() < 8) return std::nullopt;
  IcmpV4Reply reply;
  reply.outer = ip->header;
  reply.type = icmp[0];
  reply.code = icmp[1];
  if (reply.type == kIcmpEchoReply || reply.type == kIcmpEchoRequest) {
    reply.echo_id = load_be16(icmp, 4);
    reply.echo_seq = load_be16(icmp, 6);
    return reply;
  }
  if (reply.type == kIcmpTimeExceeded || reply.type == kIcmpDestUnreachable) {
    // The quote may be short, but its IPv4 header must be whole.
    auto inner = parse_ipv4(icmp.subspan(8));
    if (!inner) return reply;
    reply.quoted = inner->header;
    reply.quoted_transport = inner->payload;
    if (inner->header.protocol == kProtoIcmp && inner->payload.size() >= 8) {
      reply.quoted_echo = QuotedEcho{inner->payload[0], load_be16(inner->payload, 4), load_be16(inner->payload, 6)};
    }
  }
  return reply;
}

}  // namespace ddtr::probes
