// Reading ICMPv4 replies: echo replies, and error messages (Time Exceeded,
// Destination Unreachable) with the IPv4 packet they quote. Checksums of
// received packets are not verified: routers' quotes are truncated, and
// upstream does not either.
#pragma once

#include <boost/asio/ip/address_v4.hpp>
#include <cstdint>
#include <optional>
#include <span>

#include "daemon/probes/wire/ipv4_header.hpp"

namespace ddtr::probes {

inline constexpr std::uint8_t kIcmpEchoReply = 0;
inline constexpr std::uint8_t kIcmpDestUnreachable = 3;
inline constexpr std::uint8_t kIcmpEchoRequest = 8;
inline constexpr std::uint8_t kIcmpTimeExceeded = 11;

struct QuotedEcho {
  std::uint8_t type = 0;
  std::uint16_t id = 0;
  std::uint16_t seq = 0;
};

struct IcmpV4Reply {
  Ipv4Header outer;
  std::uint8_t type = 0;
  std::uint8_t code = 0;
  // Echo reply: its identifier and sequence.
  std::uint16_t echo_id = 0;
  std::uint16_t echo_seq = 0;
  // Error messages: the quoted IPv4 header and transport bytes.
  std::optional<Ipv4Header> quoted;
  std::span<const std::uint8_t> quoted_transport;
  std::optional<QuotedEcho> quoted_echo;  // when the quote is an ICMP echo with >= 8 bytes
};

// std::nullopt for anything that is not a well-formed ICMPv4 packet.
std::optional<IcmpV4Reply> parse_icmp_v4_reply(std::span<const std::uint8_t> packet);

}  // namespace ddtr::probes
