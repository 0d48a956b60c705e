#include "daemon/policy/cidr.hpp"

#include <gtest/gtest.h>

#include "shared/common/error.hpp"

namespace ddtr::policy {
namespace {

IpAddress ip(const char* text) { return boost::asio::ip::make_address(text); }

TEST(Cidr, ContainsByPrefix) {
  Cidr block = Cidr::parse("192.0.2.128/25");
  EXPECT_TRUE(block.contains(ip("192.0.2.128")));
  EXPECT_TRUE(block.contains(ip("192.0.2.255")));
  EXPECT_FALSE(block.contains(ip("192.0.2.127")));
  EXPECT_FALSE(block.contains(ip("2001:db8::1")));
  Cidr v6 = Cidr::parse("fe80::/10");
  EXPECT_TRUE(v6.contains(ip("febf::1")));
  EXPECT_FALSE(v6.contains(ip("fec0::1")));
  EXPECT_TRUE(Cidr::parse("0.0.0.0/0").contains(ip("203.0.113.9")));
  EXPECT_TRUE(Cidr::parse("::/0").contains(ip("2001:db8::9")));
  EXPECT_TRUE(Cidr::parse("203.0.113.66").contains(ip("203.0.113.66")));
  EXPECT_FALSE(Cidr::parse("203.0.113.66").contains(ip("203.0.113.67")));
}

TEST(Cidr, MappedAddressesAreJudgedAsIpv4) {
  EXPECT_TRUE(Cidr::parse("169.254.0.0/16").contains(ip("::ffff:169.254.169.254")));
  EXPECT_TRUE(Cidr::parse("::ffff:169.254.0.0/16").contains(ip("169.254.1.1")));
}

TEST(Cidr, RejectsNonsense) {
  for (const char* bad : {"", "/8", "192.0.2.0/", "192.0.2.0/x", "192.0.2.0/33", "::/129", "192.0.2.0/-1",
                          "host.example/8", "192.0.2.0/8/8"}) {
    EXPECT_THROW(Cidr::parse(bad), Error) << bad;
  }
}

}  // namespace
}  // namespace ddtr::policy
