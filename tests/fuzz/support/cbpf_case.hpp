// The input layout of the cBPF fuzz target, shared with the corpus generator:
// a 40-byte header that picks a filter and the link-layer protocol, then the
// captured packet.
//
//   [0]      filter type (value % 5, PacketFilterSpec numbering)
//   [1]      bit 0: src given, bit 1: dst given, bit 2: src is IPv6, bit 3: dst is IPv6
//   [2..3]   ethertype the kernel reports (big-endian)
//   [4..19]  src address (IPv4: the first 4 bytes), [20..21] src port
//   [22..37] dst address (IPv4: the first 4 bytes), [38..39] dst port
//   [40..]   the packet, from its IP header on
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "platform/packets.hpp"

namespace ddtr::fuzz {

inline constexpr std::size_t kCbpfCaseHeader = 40;

struct CbpfCase {
  platform::PacketFilterSpec spec;
  std::uint16_t ethertype = 0;
  std::span<const std::uint8_t> packet;
};

// std::nullopt when the input is shorter than the header.
std::optional<CbpfCase> decode_cbpf_case(std::span<const std::uint8_t> input);

std::vector<std::uint8_t> encode_cbpf_case(const platform::PacketFilterSpec& spec, std::uint16_t ethertype,
                                           std::span<const std::uint8_t> packet);

}  // namespace ddtr::fuzz
