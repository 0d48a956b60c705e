#include "daemon/probes/udp/udp_packet_build.hpp"

#include "daemon/probes/wire/byte_order.hpp"
#include "daemon/probes/wire/ipv4_header.hpp"
#include "daemon/probes/wire/ipv6_header.hpp"

namespace ddtr::probes {
namespace {

void write_udp_header(std::span<std::uint8_t> udp, const Endpoint& src, const Endpoint& dst) {
  store_be16(udp, 0, src.port);
  store_be16(udp, 2, dst.port);
  store_be16(udp, 4, static_cast<std::uint16_t>(udp.size()));
  store_be16(udp, 6, 0);
}

// A computed checksum of 0 is sent as all ones (RFC 768 / RFC 8200).
std::uint16_t udp_wire_checksum(std::uint16_t sum) { return sum == 0 ? 0xffff : sum; }

}  // namespace

std::vector<std::uint8_t> build_udp_probe_v4(const Endpoint& src, const Endpoint& dst, std::uint8_t ttl) {
  constexpr std::size_t kUdpLength = 8 + 8;
  std::vector<std::uint8_t> packet(kIpv4HeaderSize + kUdpLength, 0);
  std::span<std::uint8_t> bytes(packet);
  std::uint16_t id = udp_v4_probe_id(ttl);
  Ipv4Header ip;
  ip.total_length = static_cast<std::uint16_t>(packet.size());
  ip.id = id;
  ip.flags_fragment = 0x4000;  // DF
  ip.ttl = ttl;
  ip.protocol = kProtoUdp;
  ip.src = src.address.to_v4();
  ip.dst = dst.address.to_v4();
  write_ipv4_header(bytes, ip);
  auto udp = bytes.subspan(kIpv4HeaderSize);
  write_udp_header(udp, src, dst);
  const std::uint8_t payload[8] = {'N', 'S', 'M', 'N', 'C', 0, static_cast<std::uint8_t>(id >> 8),
                                   static_cast<std::uint8_t>(id)};
  std::copy(std::begin(payload), std::end(payload), udp.begin() + 8);
  store_be16(udp, 6, udp_wire_checksum(ipv4_transport_checksum(ip.src.to_uint(), ip.dst.to_uint(), kProtoUdp, udp)));
  return packet;
}

std::vector<std::uint8_t> build_udp_probe_v6(const Endpoint& src, const Endpoint& dst, std::uint8_t ttl) {
  std::size_t udp_length = udp_v6_probe_length(ttl);
  std::vector<std::uint8_t> packet(kIpv6HeaderSize + udp_length, 0);
  std::span<std::uint8_t> bytes(packet);
  auto s = src.address.to_v6(), d = dst.address.to_v6();
  write_ipv6_header(bytes, Ipv6Header{static_cast<std::uint16_t>(udp_length), kProtoUdp, ttl, s, d});
  auto udp = bytes.subspan(kIpv6HeaderSize);
  write_udp_header(udp, src, dst);
  static constexpr char kPattern[] = "NSMNC";
  for (std::size_t i = 8; i < udp.size(); ++i) udp[i] = static_cast<std::uint8_t>(kPattern[(i - 8) % 5]);
  store_be16(udp, 6, udp_wire_checksum(ipv6_transport_checksum(s, d, kProtoUdp, udp)));
  return packet;
}

}  // namespace ddtr::probes
