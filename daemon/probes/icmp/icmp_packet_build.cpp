#include "daemon/probes/icmp/icmp_packet_build.hpp"

#include "daemon/probes/wire/byte_order.hpp"
#include "daemon/probes/wire/checksum.hpp"
#include "daemon/probes/wire/ipv4_header.hpp"
#include "daemon/probes/wire/ipv6_header.hpp"

namespace ddtr::probes {
namespace {
constexpr std::size_t kEchoLength = 8 + 1;  // header + the 1-byte TTL payload

void write_echo(std::span<std::uint8_t> icmp, std::uint8_t type, std::uint16_t echo_id, std::uint8_t ttl) {
  icmp[0] = type;
  icmp[1] = 0;
  store_be16(icmp, 2, 0);
  store_be16(icmp, 4, echo_id);
  store_be16(icmp, 6, ttl);
  icmp[8] = ttl;
}
}  // namespace

std::vector<std::uint8_t> build_icmp_echo_v4(boost::asio::ip::address_v4 src, boost::asio::ip::address_v4 dst,
                                             std::uint16_t echo_id, std::uint8_t ttl) {
  std::vector<std::uint8_t> packet(kIpv4HeaderSize + kEchoLength, 0);
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
  write_echo(icmp, 8, echo_id, ttl);
  store_be16(icmp, 2, internet_checksum(icmp));
  return packet;
}

std::vector<std::uint8_t> build_icmp_echo_v6(const boost::asio::ip::address_v6& src,
                                             const boost::asio::ip::address_v6& dst, std::uint16_t echo_id,
                                             std::uint8_t ttl) {
  std::vector<std::uint8_t> packet(kIpv6HeaderSize + kEchoLength, 0);
  std::span<std::uint8_t> bytes(packet);
  write_ipv6_header(bytes, Ipv6Header{static_cast<std::uint16_t>(kEchoLength), kProtoIcmpv6, ttl, src, dst});
  auto icmp = bytes.subspan(kIpv6HeaderSize);
  write_echo(icmp, 128, echo_id, ttl);
  store_be16(icmp, 2, ipv6_transport_checksum(src, dst, kProtoIcmpv6, icmp));
  return packet;
}

}  // namespace ddtr::probes
