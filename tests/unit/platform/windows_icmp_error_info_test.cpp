// TCP_ICMP_ERROR_INFO's bytes as the Windows SDK lays them out. Runs on Linux
// and under wine (whose Winsock does not implement the option).
#include <gtest/gtest.h>

#include <array>

#include "platform/windows/winconn/icmp_error_info.hpp"

namespace ddtr::platform::windows::winconn {
namespace {

TEST(WindowsIcmpErrorInfo, Ipv4HopTypeAndCode) {
  std::array<std::uint8_t, 36> b{};
  b[0] = 2;                                    // AF_INET, little-endian
  b[2] = 0x01, b[3] = 0xBB;                    // port (ignored)
  b[4] = 192, b[5] = 0, b[6] = 2, b[7] = 1;    // the router
  b[28] = 1;                                   // IPPROTO_ICMP
  b[32] = 11, b[33] = 0;                       // Time Exceeded, TTL exceeded in transit
  auto info = decode_icmp_error_info(b);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->source, boost::asio::ip::make_address("192.0.2.1"));
  EXPECT_EQ(info->protocol, 1u);
  EXPECT_EQ(info->type, 11);
  EXPECT_EQ(info->code, 0);
}

TEST(WindowsIcmpErrorInfo, Ipv6Hop) {
  std::array<std::uint8_t, 36> b{};
  b[0] = 23;  // Windows' AF_INET6
  auto a = boost::asio::ip::make_address_v6("2001:db8::1").to_bytes();
  std::copy(a.begin(), a.end(), b.begin() + 8);
  b[28] = 58;
  b[32] = 3, b[33] = 0;
  auto info = decode_icmp_error_info(b);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->source, boost::asio::ip::make_address("2001:db8::1"));
  EXPECT_EQ(info->type, 3);
}

TEST(WindowsIcmpErrorInfo, ShortOrUnknownIsNothing) {
  std::array<std::uint8_t, 35> short_buffer{};
  short_buffer[0] = 2;
  EXPECT_FALSE(decode_icmp_error_info(short_buffer));
  std::array<std::uint8_t, 36> unknown{};
  unknown[0] = 10;  // Linux's AF_INET6 is not Windows'
  EXPECT_FALSE(decode_icmp_error_info(unknown));
}

}  // namespace
}  // namespace ddtr::platform::windows::winconn
