#include "daemon/probes/icmp/icmp_packet_build.hpp"

#include "daemon/probes/wire/byte_order.hpp"
#include "daemon/probes/wire/checksum.hpp"
#include "daemon/probes/wire/ipv4_header.hpp"

namespace ddtr::probes {

std::vector<std::uint8_t> build_icmp_echo_v4(boost::asio::ip::address_v4 src, boost::asio::ip::address_v4 dst,
                                             std::uint16_t echo_id, std::uint8_t ttl) {
  constexpr std::size_t kIcmpLength = 8 + 1;
  std::vector<std::uint8_t> packet(kIpv4HeaderSize + kIcmpLength, 0);
  std::span<std::uint8_t> bytes(packet);
  Ipv4Header ip;
  ip.total_length = static_cast<std::uint16_t>(packet.size());
  ip.id = echo_id;
  ip.ttl = ttl;
  ip.protocol = kProtoIcmp;
  ip.src = src;
  ip.dst = dst;
  write_ipv4_header(bytes, ip);
  auto icmp = bytes.subspan(kIpv4HeaderSize);
  icmp[0] = 8;  // echo request
  icmp[1] = 0;
  store_be16(icmp, 4, echo_id);
  store_be16(icmp, 6, ttl);
  icmp[8] = ttl;
  store_be16(icmp, 2, internet_checksum(icmp));
  return packet;
}

}  // namespace ddtr::probes
