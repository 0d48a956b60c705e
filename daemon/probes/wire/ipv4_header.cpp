#include "daemon/probes/wire/ipv4_header.hpp"

#include "daemon/probes/wire/byte_order.hpp"
#include "daemon/probes/wire/checksum.hpp"

namespace ddtr::probes {

std::optional<Ipv4View> parse_ipv4(std::span<const std::uint8_t> packet) {
  if (packet.size() < kIpv4HeaderSize || (packet[0] >> 4) != 4) return std::nullopt;
  Ipv4Header h;
  h.header_length = static_cast<std::size_t>(packet[0] & 0x0f) * 4;
  if (h.header_length < kIpv4HeaderSize || h.header_length > packet.size()) return std::nullopt;
  h.total_length = load_be16(packet, 2);
  std::size_t total = h.total_length == 0 ? packet.size() : h.total_length;
  if (total < h.header_length) return std::nullopt;
  h.id = load_be16(packet, 4);
  h.flags_fragment = load_be16(packet, 6);
  h.ttl = packet[8];
  h.protocol = packet[9];
  h.src = boost::asio::ip::address_v4(load_be32(packet, 12));
  h.dst = boost::asio::ip::address_v4(load_be32(packet, 16));
  std::size_t end = std::min(total, packet.size());
  return Ipv4View{h, packet.subspan(h.header_length, end - h.header_length)};
}

void write_ipv4_header(std::span<std::uint8_t> out, const Ipv4Header& h) {
  out[0] = 0x45;
  out[1] = 0;
  store_be16(out, 2, h.total_length);
  store_be16(out, 4, h.id);
  store_be16(out, 6, h.flags_fragment);
  out[8] = h.ttl;
  out[9] = h.protocol;
  store_be16(out, 10, 0);
  store_be32(out, 12, h.src.to_uint());
  store_be32(out, 16, h.dst.to_uint());
  store_be16(out, 10, internet_checksum(out.first(kIpv4HeaderSize)));
}

}  // namespace ddtr::probes
