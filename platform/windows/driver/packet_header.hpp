// FILTER_PACKET_HEADER: what the driver puts before every packet a ReadFile on
// the data handle returns, and how much of what follows is the packet. Plain
// code: built and tested everywhere.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

namespace ddtr::platform::windows::driver {

struct PacketHeader {
  std::uint64_t filter_version = 0;
  std::uint64_t size = 0;                // of this header
  std::uint64_t skipped_since_last = 0;  // packets the driver dropped since the previous read
  std::uint64_t filter_id = 0;
  std::uint64_t direction = 0;
  std::uint64_t packet_size = 0;  // of the packet that follows (before any truncation by our buffer)
  std::uint64_t af = 0;
  std::uint64_t owner_pid = 0;
  std::uint64_t timestamp_ns = 0;  // capture time, ns since the Unix epoch
};

// nullopt when `completion` is shorter than a header.
std::optional<PacketHeader> parse_packet_header(std::span<const std::uint8_t> completion);

// The packet inside one read completion: from the end of the header, as long
// as the header says and the completion holds. Upstream copies bytes 72..150
// whatever was transferred (stale bytes can trail a short packet); this is the
// clamped form. Empty when the completion holds no packet.
std::span<const std::uint8_t> packet_bytes(std::span<const std::uint8_t> completion, const PacketHeader& header);

}  // namespace ddtr::platform::windows::driver
