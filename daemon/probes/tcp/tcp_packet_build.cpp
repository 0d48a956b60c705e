#include "daemon/probes/tcp/tcp_packet_build.hpp"

#include "daemon/probes/wire/byte_order.hpp"
#include "daemon/probes/wire/ipv4_header.hpp"
#include "daemon/probes/wire/ipv6_header.hpp"
#include "daemon/probes/wire/tcp_segment.hpp"

namespace ddtr::probes {

std::vector<std::uint8_t> build_tcp_syn(const Endpoint& src, const Endpoint& dst, std::uint32_t seq,
                                        std::uint16_t ip_id, std::uint8_t ttl) {
  constexpr std::size_t kTcpLength = 20;
  bool v6 = dst.address.is_v6();
  std::size_t ip_length = v6 ? kIpv6HeaderSize : kIpv4HeaderSize;
  std::vector<std::uint8_t> packet(ip_length + kTcpLength, 0);
  std::span<std::uint8_t> bytes(packet);
  auto tcp = bytes.subspan(ip_length);
  store_be16(tcp, 0, src.port);
  store_be16(tcp, 2, dst.port);
  store_be32(tcp, 4, seq);
  store_be32(tcp, 8, 0);
  tcp[12] = 5 << 4;  // data offset: 20 bytes, no options
  tcp[13] = kTcpSyn;
  store_be16(tcp, 14, 1024);  // window
  if (v6) {
    auto s = src.address.to_v6(), d = dst.address.to_v6();
    write_ipv6_header(bytes, Ipv6Header{static_cast<std::uint16_t>(kTcpLength), kProtoTcp, ttl, s, d});
    store_be16(tcp, 16, ipv6_transport_checksum(s, d, kProtoTcp, tcp));
  } else {
    Ipv4Header ip;
    ip.total_length = static_cast<std::uint16_t>(packet.size());
    ip.id = ip_id;
    ip.ttl = ttl;
    ip.protocol = kProtoTcp;
    ip.src = src.address.to_v4();
    ip.dst = dst.address.to_v4();
    write_ipv4_header(bytes, ip);
    store_be16(tcp, 16, ipv4_transport_checksum(ip.src.to_uint(), ip.dst.to_uint(), kProtoTcp, tcp));
  }
  return packet;
}

}  // namespace ddtr::probes
