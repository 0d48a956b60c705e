// Every IPv6 form that carries an IPv4 address, with the RFCs' own examples.
#include "shared/common/embedded_ipv4.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ddtr {
namespace {

// "form=address" for each IPv4 address `v6` carries.
std::vector<std::string> found(const char* v6) {
  std::vector<std::string> out;
  for (const auto& e : embedded_ipv4(boost::asio::ip::make_address_v6(v6))) {
    out.push_back(std::string(e.form) + "=" + e.address.to_string());
  }
  return out;
}

using V = std::vector<std::string>;

TEST(EmbeddedIpv4, Mapped) {
  EXPECT_EQ(found("::ffff:169.254.169.254"), V{"IPv4-mapped=169.254.169.254"});
  EXPECT_EQ(found("::ffff:a9fe:a9fe"), V{"IPv4-mapped=169.254.169.254"});
}

TEST(EmbeddedIpv4, CompatibleButNotUnspecifiedOrLoopback) {
  EXPECT_EQ(found("::169.254.169.254"), V{"IPv4-compatible=169.254.169.254"});
  EXPECT_EQ(found("::a9fe:a9fe"), V{"IPv4-compatible=169.254.169.254"});
  EXPECT_EQ(found("::0.0.0.2"), V{"IPv4-compatible=0.0.0.2"});
  EXPECT_EQ(found("::"), V{});
  EXPECT_EQ(found("::1"), V{});
}

TEST(EmbeddedIpv4, Nat64WellKnownPrefix) {
  // RFC 6052 2.4: 64:ff9b::/96 with 192.0.2.33.
  EXPECT_EQ(found("64:ff9b::192.0.2.33"), V{"NAT64 well-known prefix=192.0.2.33"});
  EXPECT_EQ(found("64:ff9b::c000:221"), V{"NAT64 well-known prefix=192.0.2.33"});
  EXPECT_EQ(found("64:ff9b::a9fe:a9fe"), V{"NAT64 well-known prefix=169.254.169.254"});
  // Inside 64:ff9b::/32 but neither the /96 nor the local-use /48.
  EXPECT_EQ(found("64:ff9b:2::a9fe:a9fe"), V{});
}

TEST(EmbeddedIpv4, Nat64LocalUsePrefixSkipsTheUOctet) {
  // RFC 6052 2.4's /48 row (2001:db8:122::/48 + 192.0.2.33 = 2001:db8:122:c000:2:2100::),
  // with RFC 8215's 64:ff9b:1::/48 as the prefix.
  EXPECT_EQ(found("64:ff9b:1:c000:2:2100::"), V{"NAT64 local-use prefix=192.0.2.33"});
  EXPECT_EQ(found("64:ff9b:1:a9fe:a9:fe00::"), V{"NAT64 local-use prefix=169.254.169.254"});
  // Bits 64-71 are not part of the address: a non-zero u octet changes nothing.
  EXPECT_EQ(found("64:ff9b:1:a9fe:ffa9:fe00::"), V{"NAT64 local-use prefix=169.254.169.254"});
}

TEST(EmbeddedIpv4, SixToFour) {
  // RFC 3056 2: 2002:V4ADDR::/48.
  EXPECT_EQ(found("2002:c000:221::1"), V{"6to4=192.0.2.33"});
  EXPECT_EQ(found("2002:a9fe:a9fe::"), V{"6to4=169.254.169.254"});
}

TEST(EmbeddedIpv4, TeredoServerAndObfuscatedClient) {
  // RFC 4380 4's example: server 65.54.227.120, client 192.0.2.45 port 40000.
  EXPECT_EQ(found("2001:0:4136:e378:8000:63bf:3fff:fdd2"),
            (V{"Teredo server=65.54.227.120", "Teredo client=192.0.2.45"}));
  EXPECT_EQ(found("2001:0:4136:e378:8000:63bf:5601:5601"),
            (V{"Teredo server=65.54.227.120", "Teredo client=169.254.169.254"}));
  EXPECT_EQ(found("2001:0:a9fe:a9fe::ffff:ffff"), (V{"Teredo server=169.254.169.254", "Teredo client=0.0.0.0"}));
}

TEST(EmbeddedIpv4, OtherAddressesCarryNone) {
  for (const char* plain : {"2001:db8::1", "2001:db8:0:0:8000:63bf:5601:5601", "fe80::1", "fd00:ec2::254", "2003::1",
                            "64:ff9a::a9fe:a9fe", "::fffe:a9fe:a9fe"}) {
    EXPECT_EQ(found(plain), V{}) << plain;
  }
}

}  // namespace
}  // namespace ddtr
