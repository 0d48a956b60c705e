#include "daemon/probes/wire/tcp_segment.hpp"

#include "daemon/probes/wire/byte_order.hpp"
#include "daemon/probes/wire/ipv4_header.hpp"
#include "daemon/probes/wire/ipv6_header.hpp"

namespace ddtr::probes {

std::optional<TcpSegment> parse_tcp_segment(std::span<const std::uint8_t> packet) {
  if (packet.empty()) return std::nullopt;
  TcpSegment s;
  std::span<const std::uint8_t> tcp;
  if ((packet[0] >> 4) == 4) {
    auto ip = parse_ipv4(packet);
    if (!ip || ip->header.protocol != kProtoTcp || (ip->header.flags_fragment & 0x1fff) != 0) return std::nullopt;
    s.src = IpAddress(ip->header.src);
    s.dst = IpAddress(ip->header.dst);
    tcp = ip->payload;
  } else {
    auto ip = parse_ipv6(packet);
    if (!ip || ip->header.next_header != kProtoTcp) return std::nullopt;
    s.src = IpAddress(ip->header.src);
    s.dst = IpAddress(ip->header.dst);
    tcp = ip->payload;
  }
  if (tcp.size() < 20) return std::nullopt;
  std::size_t data_offset = static_cast<std::size_t>(tcp[12] >> 4) * 4;
  if (data_offset < 20 || data_offset > tcp.size()) return std::nullopt;
  s.src_port = load_be16(tcp, 0);
  s.dst_port = load_be16(tcp, 2);
  s.seq = load_be32(tcp, 4);
  s.ack = load_be32(tcp, 8);
  s.flags = tcp[13];
  s.options = tcp.subspan(20, data_offset - 20);
  return s;
}

}  // namespace ddtr::probes
