// What the macOS raw-socket sink hands the kernel instead of a plain packet.
#include <gtest/gtest.h>

#include <cstring>

#include "daemon/probes/icmp/icmp_packet_build.hpp"
#include "platform/darwin/bsd_raw_send.hpp"
#include "shared/common/error.hpp"
#include "tests/testutils/packets.hpp"

namespace ddtr::platform::darwin {
namespace {

using boost::asio::ip::make_address_v4;
using boost::asio::ip::make_address_v6;

std::uint16_t native_u16(const std::vector<std::uint8_t>& p, std::size_t at) {
  std::uint16_t v;
  std::memcpy(&v, p.data() + at, sizeof v);
  return v;
}

TEST(DarwinBsdRawSend, Ipv4LengthAndOffsetGoInHostOrder) {
  auto packet = probes::build_icmp_echo_v4(make_address_v4("192.0.2.5"), make_address_v4("203.0.113.5"), 9, 3);
  packet[6] = 0x40;  // DF: a non-zero ip_off shows the swap
  auto original = packet;
  auto out = ipv4_for_bsd_raw_socket(packet);
  EXPECT_EQ(packet, original) << "the caller's bytes are untouched";
  ASSERT_EQ(out.size(), packet.size());
  // What XNU reads with a plain 16-bit load is the value the header means.
  EXPECT_EQ(native_u16(out, 2), (packet[2] << 8) | packet[3]);
  EXPECT_EQ(native_u16(out, 6), 0x4000);
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (i == 2 || i == 3 || i == 6 || i == 7) continue;
    EXPECT_EQ(out[i], packet[i]) << "byte " << i;
  }
}

TEST(DarwinBsdRawSend, Ipv4SizeLimits) {
  EXPECT_THROW(ipv4_for_bsd_raw_socket(std::vector<std::uint8_t>(19, 0x45)), Error);
  EXPECT_THROW(ipv4_for_bsd_raw_socket(std::vector<std::uint8_t>(65536, 0x45)), Error);
  EXPECT_NO_THROW(ipv4_for_bsd_raw_socket(std::vector<std::uint8_t>(20, 0x45)));
}

TEST(DarwinBsdRawSend, Ipv6SplitsIntoTransportBytesHopLimitAndSource) {
  auto src = make_address_v6("2001:db8::1"), dst = make_address_v6("2001:db8::2");
  auto packet = testutils::ipv6_packet(src, dst, 17, std::vector<std::uint8_t>{1, 2, 3, 4, 5, 6, 7, 8, 9});
  packet[7] = 5;  // the probe's TTL
  auto send = split_ipv6_for_raw_socket(packet);
  EXPECT_EQ(send.next_header, 17);
  EXPECT_EQ(send.hop_limit, 5);
  EXPECT_EQ(send.source, src.to_bytes());
  ASSERT_EQ(send.payload.size(), 9u);
  EXPECT_EQ(send.payload.data(), packet.data() + 40) << "a view, not a copy";
}

TEST(DarwinBsdRawSend, Ipv6RefusesWhatARawSocketCannotCarry) {
  auto src = make_address_v6("2001:db8::1"), dst = make_address_v6("2001:db8::2");
  auto good = testutils::ipv6_packet(src, dst, 58, std::vector<std::uint8_t>(8));
  EXPECT_THROW(split_ipv6_for_raw_socket(std::span(good).first(39)), Error);
  auto v4 = good;
  v4[0] = 0x45;
  EXPECT_THROW(split_ipv6_for_raw_socket(v4), Error);
  auto longer = good;
  longer.push_back(0);  // payload length says 8, 9 bytes follow
  EXPECT_THROW(split_ipv6_for_raw_socket(longer), Error);
  auto fragment = testutils::ipv6_packet(src, dst, 44, std::vector<std::uint8_t>(16));
  EXPECT_THROW(split_ipv6_for_raw_socket(fragment), Error) << "the extension header would be lost";
  EXPECT_NO_THROW(split_ipv6_for_raw_socket(good));
}

}  // namespace
}  // namespace ddtr::platform::darwin
