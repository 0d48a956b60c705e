// IPv6 fixed headers: parse (wire data from anyone: bounds-checked) and write.
// No extension-header walk beyond what callers do themselves.
#pragma once

#include <boost/asio/ip/address_v6.hpp>
#include <cstdint>
#include <optional>
#include <span>

namespace ddtr::probes {

inline constexpr std::size_t kIpv6HeaderSize = 40;
inline constexpr std::uint8_t kProtoIcmpv6 = 58;

struct Ipv6Header {
  std::uint16_t payload_length = 0;
  std::uint8_t next_header = 0;
  std::uint8_t hop_limit = 0;
  boost::asio::ip::address_v6 src;
  boost::asio::ip::address_v6 dst;
};

struct Ipv6View {
  Ipv6Header header;
  std::span<const std::uint8_t> payload;  // trimmed to payload_length; may be truncated
};

std::optional<Ipv6View> parse_ipv6(std::span<const std::uint8_t> packet);

void write_ipv6_header(std::span<std::uint8_t> out, const Ipv6Header& header);

// The transport checksum over the IPv6 pseudo-header and `transport` (whose
// checksum field must be zero).
std::uint16_t ipv6_transport_checksum(const boost::asio::ip::address_v6& src, const boost::asio::ip::address_v6& dst,
                                      std::uint8_t next_header, std::span<const std::uint8_t> transport);

// The same for IPv4 (UDP, TCP).
std::uint16_t ipv4_transport_checksum(std::uint32_t src, std::uint32_t dst, std::uint8_t protocol,
                                      std::span<const std::uint8_t> transport);

}  // namespace ddtr::probes
