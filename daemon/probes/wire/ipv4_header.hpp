// IPv4 headers: parse (wire data from anyone: never read out of bounds) and
// write (with the header checksum).
#pragma once

#include <boost/asio/ip/address_v4.hpp>
#include <cstdint>
#include <optional>
#include <span>

namespace ddtr::probes {

inline constexpr std::size_t kIpv4HeaderSize = 20;
inline constexpr std::uint8_t kProtoIcmp = 1;
inline constexpr std::uint8_t kProtoTcp = 6;
inline constexpr std::uint8_t kProtoUdp = 17;

struct Ipv4Header {
  std::size_t header_length = kIpv4HeaderSize;  // IHL x 4
  std::uint16_t total_length = 0;
  std::uint16_t id = 0;
  std::uint16_t flags_fragment = 0;
  std::uint8_t ttl = 0;
  std::uint8_t protocol = 0;
  boost::asio::ip::address_v4 src;
  boost::asio::ip::address_v4 dst;
};

struct Ipv4View {
  Ipv4Header header;
  std::span<const std::uint8_t> payload;  // trimmed to total_length; may be truncated
};

// Version 4, IHL >= 5, the whole header captured, total length >= header length
// (0 means "what was captured", as gopacket treats TSO packets).
std::optional<Ipv4View> parse_ipv4(std::span<const std::uint8_t> packet);

// Writes 20 bytes (no options) with the checksum computed.
void write_ipv4_header(std::span<std::uint8_t> out, const Ipv4Header& header);

}  // namespace ddtr::probes
