// ICMPv4 and ICMPv6 replies, read into one family-neutral shape: echo
// replies, and error messages (Time Exceeded, Destination Unreachable) with the
// packet they quote. Checksums of received packets are not verified: routers'
// quotes are truncated, and upstream does not either.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "shared/common/ip_address.hpp"

namespace ddtr::probes {

enum class IcmpKind { EchoRequest, EchoReply, TimeExceeded, DestUnreachable, Other };

struct QuotedPacket {
  IpAddress src;
  IpAddress dst;
  std::uint8_t protocol = 0;        // IPv4 protocol or IPv6 next header
  std::uint16_t ipv4_id = 0;        // IPv4 only
  std::uint16_t payload_length = 0; // IPv6 only: the quoted payload length field
  std::span<const std::uint8_t> transport;  // the quoted transport bytes (often just 8)
};

struct IcmpMessage {
  IpAddress outer_src;
  IpAddress outer_dst;
  IcmpKind kind = IcmpKind::Other;
  std::uint8_t type = 0;
  std::uint8_t code = 0;
  std::uint16_t echo_id = 0;   // echo request/reply
  std::uint16_t echo_seq = 0;
  std::optional<QuotedPacket> quoted;  // error messages whose quote holds a whole IP header

  bool is_v6() const { return outer_src.is_v6(); }
};

// std::nullopt for anything that is not a well-formed ICMPv4/ICMPv6 packet.
std::optional<IcmpMessage> parse_icmp_message(std::span<const std::uint8_t> packet);

// The echo identifier and sequence of a quoted ICMP/ICMPv6 echo request.
struct QuotedEcho {
  std::uint16_t id = 0;
  std::uint16_t seq = 0;
};
std::optional<QuotedEcho> quoted_echo_request(const QuotedPacket& quoted);

// The ports of a quoted UDP or TCP header (first 4 bytes).
struct QuotedPorts {
  std::uint16_t src = 0;
  std::uint16_t dst = 0;
};
std::optional<QuotedPorts> quoted_ports(const QuotedPacket& quoted);

}  // namespace ddtr::probes
