// A TCP segment inside an IPv4 or IPv6 packet (no IPv6 extension headers):
// the fields a traceroute needs to match replies. Bounds-checked.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "shared/common/ip_address.hpp"

namespace ddtr::probes {

inline constexpr std::uint8_t kTcpFin = 0x01, kTcpSyn = 0x02, kTcpRst = 0x04, kTcpPsh = 0x08, kTcpAck = 0x10;

struct TcpSegment {
  IpAddress src;
  IpAddress dst;
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint8_t flags = 0;
  std::span<const std::uint8_t> options;  // between the fixed header and the data offset
};

std::optional<TcpSegment> parse_tcp_segment(std::span<const std::uint8_t> packet);

}  // namespace ddtr::probes
