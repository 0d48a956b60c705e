#include "daemon/probes/wire/ipv6_header.hpp"

#include "daemon/probes/wire/byte_order.hpp"
#include "daemon/probes/wire/checksum.hpp"

namespace ddtr::probes {

std::optional<Ipv6View> parse_ipv6(std::span<const std::uint8_t> packet) {
  if (packet.size() < kIpv6HeaderSize || (packet[0] >> 4) != 6) return std::nullopt;
  Ipv6Header h;
  h.payload_length = load_be16(packet, 4);
  h.next_header = packet[6];
  h.hop_limit = packet[7];
  boost::asio::ip::address_v6::bytes_type src, dst;
  std::copy(packet.begin() + 8, packet.begin() + 24, src.begin());
  std::copy(packet.begin() + 24, packet.begin() + 40, dst.begin());
  h.src = boost::asio::ip::address_v6(src);
  h.dst = boost::asio::ip::address_v6(dst);
  auto rest = packet.subspan(kIpv6HeaderSize);
  // Payload length 0 without a jumbogram is malformed for what we parse.
  if (h.payload_length == 0) return std::nullopt;
  return Ipv6View{h, rest.first(std::min<std::size_t>(rest.size(), h.payload_length))};
}

void write_ipv6_header(std::span<std::uint8_t> out, const Ipv6Header& h) {
  out[0] = 0x60;
  out[1] = out[2] = out[3] = 0;  // traffic class 0, flow label 0
  store_be16(out, 4, h.payload_length);
  out[6] = h.next_header;
  out[7] = h.hop_limit;
  auto src = h.src.to_bytes(), dst = h.dst.to_bytes();
  std::copy(src.begin(), src.end(), out.begin() + 8);
  std::copy(dst.begin(), dst.end(), out.begin() + 24);
}

std::uint16_t ipv6_transport_checksum(const boost::asio::ip::address_v6& src, const boost::asio::ip::address_v6& dst,
                                      std::uint8_t next_header, std::span<const std::uint8_t> transport) {
  Checksum c;
  auto s = src.to_bytes(), d = dst.to_bytes();
  c.add(s);
  c.add(d);
  auto length = static_cast<std::uint32_t>(transport.size());
  c.add_u16(static_cast<std::uint16_t>(length >> 16));
  c.add_u16(static_cast<std::uint16_t>(length));
  c.add_u16(next_header);
  c.add(transport);
  return c.finish();
}

std::uint16_t ipv4_transport_checksum(std::uint32_t src, std::uint32_t dst, std::uint8_t protocol,
                                      std::span<const std::uint8_t> transport) {
  Checksum c;
  c.add_u16(static_cast<std::uint16_t>(src >> 16));
  c.add_u16(static_cast<std::uint16_t>(src));
  c.add_u16(static_cast<std::uint16_t>(dst >> 16));
  c.add_u16(static_cast<std::uint16_t>(dst));
  c.add_u16(protocol);
  c.add_u16(static_cast<std::uint16_t>(transport.size()));
  c.add(transport);
  return c.finish();
}

}  // namespace ddtr::probes
