// TCP options: the ones SACK traceroute needs (SACK-permitted, timestamps,
// SACK blocks). Malformed option lists stop the walk; nothing is read out of
// bounds.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace ddtr::probes {

struct TcpTimestamps {
  std::uint32_t value = 0;
  std::uint32_t echo_reply = 0;
};

struct SackBlock {
  std::uint32_t left = 0;
  std::uint32_t right = 0;
};

struct TcpOptions {
  bool sack_permitted = false;
  std::optional<TcpTimestamps> timestamps;
  bool truncated_timestamps = false;  // kind 8 with fewer than 8 data bytes
  bool has_sack = false;
  std::vector<SackBlock> sack_blocks;
};

TcpOptions parse_tcp_options(std::span<const std::uint8_t> options);

}  // namespace ddtr::probes
