// The driver's 72-byte FILTER_PACKET_HEADER and where the packet after it
// ends; the completion wait for a read deadline. Runs on Linux and under wine.
#include <gtest/gtest.h>

#include <vector>

#include "platform/windows/driver/packet_header.hpp"
#include "platform/windows/driver/read_timeout.hpp"

namespace ddtr::platform::windows::driver {
namespace {

std::vector<std::uint8_t> completion(std::uint64_t header_size, std::uint64_t packet_size,
                                     std::size_t packet_bytes_present, std::uint64_t timestamp = 0) {
  std::vector<std::uint8_t> out(72 + packet_bytes_present, 0);
  auto put = [&](std::size_t at, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) out[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
  };
  put(0, 0x0000DDFD00000018);
  put(8, header_size);
  put(16, 3);
  put(24, 7);
  put(40, packet_size);
  put(48, 2);
  put(56, 1234);
  put(64, timestamp);
  for (std::size_t i = 0; i < packet_bytes_present; ++i) out[72 + i] = static_cast<std::uint8_t>(0x45 + i);
  return out;
}

TEST(WindowsPacketHeader, FieldsAtTheirOffsets) {
  auto c = completion(72, 28, 28, 1'700'000'000'123'456'789);
  auto h = parse_packet_header(c);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->filter_version, 0x0000DDFD00000018u);
  EXPECT_EQ(h->size, 72u);
  EXPECT_EQ(h->skipped_since_last, 3u);
  EXPECT_EQ(h->filter_id, 7u);
  EXPECT_EQ(h->packet_size, 28u);
  EXPECT_EQ(h->af, 2u);
  EXPECT_EQ(h->owner_pid, 1234u);
  EXPECT_EQ(h->timestamp_ns, 1'700'000'000'123'456'789u);
}

TEST(WindowsPacketHeader, ShorterThanAHeaderIsNoPacket) {
  std::vector<std::uint8_t> c(71, 0);
  EXPECT_FALSE(parse_packet_header(c));
}

TEST(WindowsPacketHeader, PacketIsClampedToItsSize) {
  // A 28-byte packet in a 150-byte buffer: the stale tail is not handed out
  // (upstream returns all 78 bytes after the header).
  auto c = completion(72, 28, 78);
  auto bytes = packet_bytes(c, *parse_packet_header(c));
  ASSERT_EQ(bytes.size(), 28u);
  EXPECT_EQ(bytes[0], 0x45);
}

TEST(WindowsPacketHeader, TruncatedPacketIsWhatArrived) {
  // A 1500-byte packet cut at the buffer's 150 bytes: 78 bytes of it.
  auto c = completion(72, 1500, 78);
  EXPECT_EQ(packet_bytes(c, *parse_packet_header(c)).size(), 78u);
}

TEST(WindowsPacketHeader, ImplausibleHeaderSizeFallsBackToTheKnownOne) {
  auto c = completion(4000, 20, 20);
  auto bytes = packet_bytes(c, *parse_packet_header(c));
  ASSERT_EQ(bytes.size(), 20u);
  EXPECT_EQ(bytes[0], 0x45);
  auto empty = completion(72, 20, 0);
  EXPECT_TRUE(packet_bytes(empty, *parse_packet_header(empty)).empty());
}

TEST(WindowsReadTimeout, FromTheDeadline) {
  auto now = std::chrono::steady_clock::now();
  EXPECT_EQ(completion_wait_ms(now - std::chrono::seconds(1), now), 0u) << "past: poll once";
  EXPECT_EQ(completion_wait_ms(now, now), 0u);
  EXPECT_EQ(completion_wait_ms(Deadline{}, now), 0u) << "the zero deadline is in the past";
  EXPECT_EQ(completion_wait_ms(now + std::chrono::microseconds(1), now), 1u) << "rounded up, never early";
  EXPECT_EQ(completion_wait_ms(now + std::chrono::milliseconds(250), now), 250u);
  EXPECT_EQ(completion_wait_ms(now + std::chrono::hours(1000), now), 24u * 3600 * 1000) << "capped below INFINITE";
}

}  // namespace
}  // namespace ddtr::platform::windows::driver
