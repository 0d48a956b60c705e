#include "platform/windows/driver/packet_header.hpp"

#include <algorithm>

#include "platform/windows/driver/driver_api.hpp"

namespace ddtr::platform::windows::driver {
namespace {

std::uint64_t get_u64(const std::uint8_t* in) {
  std::uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | in[i];
  return value;
}

}  // namespace

std::optional<PacketHeader> parse_packet_header(std::span<const std::uint8_t> completion) {
  if (completion.size() < kPacketHeaderSize) return std::nullopt;
  const std::uint8_t* p = completion.data();
  PacketHeader h;
  h.filter_version = get_u64(p + 0);
  h.size = get_u64(p + 8);
  h.skipped_since_last = get_u64(p + 16);
  h.filter_id = get_u64(p + 24);
  h.direction = get_u64(p + 32);
  h.packet_size = get_u64(p + 40);
  h.af = get_u64(p + 48);
  h.owner_pid = get_u64(p + 56);
  h.timestamp_ns = get_u64(p + 64);
  return h;
}

std::span<const std::uint8_t> packet_bytes(std::span<const std::uint8_t> completion, const PacketHeader& header) {
  // A header claiming another size than the one we know is not trusted to
  // place the packet; the fixed size is where upstream looks.
  std::size_t offset = kPacketHeaderSize;
  if (header.size >= kPacketHeaderSize && header.size <= completion.size()) offset = header.size;
  if (completion.size() <= offset) return {};
  std::size_t length = completion.size() - offset;
  if (header.packet_size != 0) length = std::min<std::uint64_t>(length, header.packet_size);
  return completion.subspan(offset, length);
}

}  // namespace ddtr::platform::windows::driver
