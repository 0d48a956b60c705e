// From a /dev/bpf frame to its IP packet, per data-link type.
#include <gtest/gtest.h>

#include "daemon/probes/icmp/icmp_packet_build.hpp"
#include "platform/darwin/link_layer.hpp"
#include "tests/testutils/packets.hpp"
#include "tests/unit/platform/darwin_frames.hpp"

namespace ddtr::platform::darwin {
namespace {

using boost::asio::ip::make_address_v4;
using boost::asio::ip::make_address_v6;

std::vector<std::uint8_t> v4() {
  return probes::build_icmp_echo_v4(make_address_v4("192.0.2.5"), make_address_v4("203.0.113.5"), 1, 1);
}
std::vector<std::uint8_t> v6() {
  return testutils::icmpv6_echo_reply(make_address_v6("2001:db8::2"), make_address_v6("2001:db8::1"), 1, 1);
}

void expect_ip(const std::optional<LinkFrame>& got, const std::vector<std::uint8_t>& ip, bool ipv6) {
  ASSERT_TRUE(got);
  EXPECT_EQ(got->ipv6, ipv6);
  EXPECT_TRUE(std::equal(got->ip.begin(), got->ip.end(), ip.begin(), ip.end()));
}

TEST(DarwinLinkLayer, DataLinkTypes) {
  EXPECT_EQ(link_type_from_dlt(1), LinkType::Ethernet);
  EXPECT_EQ(link_type_from_dlt(0), LinkType::Family);
  EXPECT_EQ(link_type_from_dlt(108), LinkType::Family);
  EXPECT_EQ(link_type_from_dlt(12), LinkType::Raw);
  EXPECT_FALSE(link_type_from_dlt(14)) << "OpenBSD's DLT_RAW number means something else on macOS";
  EXPECT_FALSE(link_type_from_dlt(105)) << "802.11";
  EXPECT_FALSE(link_type_from_dlt(127)) << "802.11 radiotap";
  EXPECT_FALSE(link_type_from_dlt(149)) << "DLT_PKTAP (DLT_USER2)";
  EXPECT_EQ(link_header_size(LinkType::Ethernet), 14u);
  EXPECT_EQ(link_header_size(LinkType::Family), 4u);
  EXPECT_EQ(link_header_size(LinkType::Raw), 0u);
}

TEST(DarwinLinkLayer, EthernetCarriesIpv4AndIpv6) {
  expect_ip(strip_link_header(crafted::ethernet_frame(0x0800, v4()), LinkType::Ethernet), v4(), false);
  expect_ip(strip_link_header(crafted::ethernet_frame(0x86dd, v6()), LinkType::Ethernet), v6(), true);
}

TEST(DarwinLinkLayer, EthernetSkipsTheRest) {
  EXPECT_FALSE(strip_link_header(crafted::ethernet_frame(0x0806, v4()), LinkType::Ethernet)) << "ARP";
  EXPECT_FALSE(strip_link_header(crafted::ethernet_frame(0x8100, v4()), LinkType::Ethernet)) << "802.1Q";
  EXPECT_FALSE(strip_link_header(crafted::ethernet_frame(0x0800, v6()), LinkType::Ethernet)) << "says 4, is 6";
  EXPECT_FALSE(strip_link_header(crafted::ethernet_frame(0x0800, {}), LinkType::Ethernet)) << "no payload";
  auto frame = crafted::ethernet_frame(0x0800, v4());
  for (std::size_t n = 0; n < 14; ++n) {
    EXPECT_FALSE(strip_link_header(std::span(frame).first(n), LinkType::Ethernet)) << n << " bytes";
  }
}

TEST(DarwinLinkLayer, FamilyHeaderInEitherByteOrder) {
  for (bool network : {false, true}) {
    expect_ip(strip_link_header(crafted::family_frame(2, network, v4()), LinkType::Family), v4(), false);
    expect_ip(strip_link_header(crafted::family_frame(30, network, v6()), LinkType::Family), v6(), true);
    EXPECT_FALSE(strip_link_header(crafted::family_frame(24, network, v6()), LinkType::Family))
        << "AF_INET6 of NetBSD/OpenBSD, not macOS";
    EXPECT_FALSE(strip_link_header(crafted::family_frame(28, network, v6()), LinkType::Family)) << "FreeBSD's";
    EXPECT_FALSE(strip_link_header(crafted::family_frame(2, network, v6()), LinkType::Family)) << "says 4, is 6";
  }
  std::vector<std::uint8_t> three = {2, 0, 0};
  EXPECT_FALSE(strip_link_header(three, LinkType::Family));
}

TEST(DarwinLinkLayer, RawIpByItsVersionNibble) {
  expect_ip(strip_link_header(v4(), LinkType::Raw), v4(), false);
  expect_ip(strip_link_header(v6(), LinkType::Raw), v6(), true);
  std::vector<std::uint8_t> other = {0x50, 0, 0, 0};
  EXPECT_FALSE(strip_link_header(other, LinkType::Raw));
  EXPECT_FALSE(strip_link_header({}, LinkType::Raw));
}

}  // namespace
}  // namespace ddtr::platform::darwin
