// What every probe strategy must do with wire data from anyone, checked on each
// fuzz input: never crash, and when it claims a reply, name a TTL it sent, in
// the target's family, with is_dest only for the target itself, for a packet
// its own capture filter lets through (a filter that drops such a reply would
// silently lose that hop).
#pragma once

#include <cstdint>
#include <span>

#include "daemon/probes/probe_strategy.hpp"

namespace ddtr::fuzz {

void check_match(const probes::ProbeStrategy& strategy, const IpAddress& target, std::span<const std::uint8_t> packet);

// The ethertype the kernel reports for a captured IP packet: from the version
// nibble, as the link layer would have announced it.
std::uint16_t ethertype_of(std::span<const std::uint8_t> packet);

// Whether the cBPF program built for `spec` accepts `packet`.
bool capture_filter_accepts(const platform::PacketFilterSpec& spec, std::span<const std::uint8_t> packet);

}  // namespace ddtr::fuzz
