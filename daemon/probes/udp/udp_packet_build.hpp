// Building upstream's UDP probes. The 5-tuple is constant for a whole run
// (Paris-style: per-flow ECMP keeps one path); the probe's identity lives in
// the IPv4 ID (41821 + TTL) or, for IPv6, in the UDP length (13 + TTL).
#pragma once

#include <cstdint>
#include <vector>

#include "shared/common/ip_address.hpp"

namespace ddtr::probes {

inline constexpr std::uint16_t kUdpIpIdBase = 41821;

inline std::uint16_t udp_v4_probe_id(int ttl) { return static_cast<std::uint16_t>(kUdpIpIdBase + ttl); }
inline std::uint16_t udp_v6_probe_length(int ttl) { return static_cast<std::uint16_t>(8 + 5 + ttl); }

// IPv4: ID 41821+ttl, DF, TTL; UDP length 16 with payload 'NSMNC', 0, ID high, ID low.
std::vector<std::uint8_t> build_udp_probe_v4(const Endpoint& src, const Endpoint& dst, std::uint8_t ttl);

// IPv6: hop limit = ttl; payload "NSMNC" repeated, cut to 5 + ttl bytes.
std::vector<std::uint8_t> build_udp_probe_v6(const Endpoint& src, const Endpoint& dst, std::uint8_t ttl);

}  // namespace ddtr::probes
