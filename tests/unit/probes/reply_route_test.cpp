// The route key of a captured reply: which identity of ours it carries, from
// crafted replies of both families, and nothing from garbage.
#include <gtest/gtest.h>

#include "daemon/probes/icmp/icmp_packet_build.hpp"
#include "daemon/probes/tcp/tcp_packet_build.hpp"
#include "daemon/probes/udp/udp_packet_build.hpp"
#include "daemon/probes/wire/reply_route.hpp"
#include "daemon/probes/wire/tcp_segment.hpp"
#include "tests/testutils/packets.hpp"

namespace ddtr::probes {
namespace {

using boost::asio::ip::make_address;
using boost::asio::ip::make_address_v4;
using boost::asio::ip::make_address_v6;

const auto kLocal4 = make_address_v4("192.0.2.5"), kTarget4 = make_address_v4("203.0.113.5"),
           kRouter4 = make_address_v4("192.0.2.6");
const auto kLocal6 = make_address_v6("2001:db8:1:1::1"), kTarget6 = make_address_v6("2001:db8:ffff::5"),
           kRouter6 = make_address_v6("2001:db8:1:1::2");

std::vector<std::uint8_t> segment(IpAddress from, IpAddress to, std::uint16_t sport, std::uint16_t dport,
                                  std::uint8_t flags) {
  std::vector<std::uint8_t> tcp(20, 0);
  tcp[0] = static_cast<std::uint8_t>(sport >> 8), tcp[1] = static_cast<std::uint8_t>(sport);
  tcp[2] = static_cast<std::uint8_t>(dport >> 8), tcp[3] = static_cast<std::uint8_t>(dport);
  tcp[12] = 0x50;
  tcp[13] = flags;
  if (from.is_v6()) return testutils::ipv6_packet(from.to_v6(), to.to_v6(), kProtoTcp, tcp);
  return testutils::ipv4_packet(from.to_v4(), to.to_v4(), kProtoTcp, tcp);
}

ReplyRoute route(bool v6, RouteKind kind, std::uint16_t id) { return ReplyRoute{v6, kind, id}; }

TEST(ReplyRoute, EchoReplyCarriesItsId) {
  EXPECT_EQ(reply_route(testutils::icmp_echo_reply(kTarget4, kLocal4, 0x1234, 7)), route(false, RouteKind::IcmpEcho, 0x1234));
  EXPECT_EQ(reply_route(testutils::icmpv6_echo_reply(kTarget6, kLocal6, 9, 7)), route(true, RouteKind::IcmpEcho, 9));
}

TEST(ReplyRoute, IcmpErrorsNameTheQuotedProbe) {
  auto echo4 = build_icmp_echo_v4(kLocal4, kTarget4, 77, 3);
  EXPECT_EQ(reply_route(testutils::icmp_error(kRouter4, kLocal4, 11, 0, echo4)), route(false, RouteKind::IcmpEcho, 77));
  auto udp4 = build_udp_probe_v4(Endpoint{kLocal4, 40001}, Endpoint{kTarget4, 33434}, 3);
  EXPECT_EQ(reply_route(testutils::icmp_error(kRouter4, kLocal4, 11, 0, udp4)), route(false, RouteKind::Udp, 40001));
  EXPECT_EQ(reply_route(testutils::icmp_error(kTarget4, kLocal4, 3, 3, udp4)), route(false, RouteKind::Udp, 40001));
  auto syn4 = build_tcp_syn(Endpoint{kLocal4, 40002}, Endpoint{kTarget4, 443}, 1, 1, 3);
  EXPECT_EQ(reply_route(testutils::icmp_error(kRouter4, kLocal4, 11, 0, syn4)), route(false, RouteKind::Tcp, 40002));

  auto echo6 = build_icmp_echo_v6(kLocal6, kTarget6, 78, 3);
  EXPECT_EQ(reply_route(testutils::icmpv6_error(kRouter6, kLocal6, 3, 0, echo6)), route(true, RouteKind::IcmpEcho, 78));
  auto udp6 = build_udp_probe_v6(Endpoint{kLocal6, 40003}, Endpoint{kTarget6, 33434}, 3);
  EXPECT_EQ(reply_route(testutils::icmpv6_error(kTarget6, kLocal6, 1, 4, udp6)), route(true, RouteKind::Udp, 40003));
  auto syn6 = build_tcp_syn(Endpoint{kLocal6, 40004}, Endpoint{kTarget6, 443}, 1, 1, 3);
  EXPECT_EQ(reply_route(testutils::icmpv6_error(kRouter6, kLocal6, 3, 0, syn6)), route(true, RouteKind::Tcp, 40004));
}

TEST(ReplyRoute, Icmpv6AfterAFragmentHeader) {
  auto echo = testutils::icmpv6_echo_reply(kTarget6, kLocal6, 5, 1);
  // Insert a fragment header (first fragment, offset 0) before the ICMPv6 header.
  std::vector<std::uint8_t> icmp(echo.begin() + 40, echo.end());
  std::vector<std::uint8_t> payload = {kProtoIcmpv6, 0, 0, 0, 0, 0, 0, 1};
  payload.insert(payload.end(), icmp.begin(), icmp.end());
  EXPECT_EQ(reply_route(testutils::ipv6_packet(kTarget6, kLocal6, 44, payload)), route(true, RouteKind::IcmpEcho, 5));
  payload[3] = 0x08;  // a later fragment carries no ICMPv6 header
  EXPECT_FALSE(reply_route(testutils::ipv6_packet(kTarget6, kLocal6, 44, payload)));
}

TEST(ReplyRoute, TcpSegmentsNameTheirDestinationPort) {
  EXPECT_EQ(reply_route(segment(IpAddress(kTarget4), IpAddress(kLocal4), 443, 40002, kTcpSyn | kTcpAck)),
            route(false, RouteKind::Tcp, 40002));
  EXPECT_EQ(reply_route(segment(IpAddress(kTarget4), IpAddress(kLocal4), 80, 40002, kTcpRst | kTcpAck)),
            route(false, RouteKind::Tcp, 40002));
  EXPECT_EQ(reply_route(segment(IpAddress(kTarget6), IpAddress(kLocal6), 80, 40004, kTcpRst)),
            route(true, RouteKind::Tcp, 40004));
  // Data, a bare ACK, a SYN alone: no reply to a SYN probe.
  EXPECT_FALSE(reply_route(segment(IpAddress(kTarget4), IpAddress(kLocal4), 443, 40002, kTcpAck | kTcpPsh)));
  EXPECT_FALSE(reply_route(segment(IpAddress(kTarget4), IpAddress(kLocal4), 443, 40002, kTcpAck)));
  EXPECT_FALSE(reply_route(segment(IpAddress(kTarget4), IpAddress(kLocal4), 443, 40002, kTcpSyn)));
}

TEST(ReplyRoute, OtherIcmpAndOtherProtocolsHaveNoRoute) {
  // An echo request (someone pinging us) and a redirect.
  EXPECT_FALSE(reply_route(build_icmp_echo_v4(kTarget4, kLocal4, 77, 3)));
  auto echo4 = build_icmp_echo_v4(kLocal4, kTarget4, 77, 3);
  EXPECT_FALSE(reply_route(testutils::icmp_error(kRouter4, kLocal4, 5, 1, echo4)));
  // An error quoting something we never send (GRE), or a reply to someone's ping.
  auto gre = testutils::ipv4_packet(kLocal4, kTarget4, 47, std::vector<std::uint8_t>(8));
  EXPECT_FALSE(reply_route(testutils::icmp_error(kRouter4, kLocal4, 11, 0, gre)));
  auto echo_reply_quoted = testutils::icmp_echo_reply(kLocal4, kTarget4, 77, 3);
  EXPECT_FALSE(reply_route(testutils::icmp_error(kRouter4, kLocal4, 3, 1, echo_reply_quoted)));
  EXPECT_FALSE(reply_route(testutils::ipv4_packet(kTarget4, kLocal4, kProtoUdp, std::vector<std::uint8_t>(8))));
  // An IPv4 quote inside an ICMPv6 error is nonsense.
  auto mixed = testutils::icmpv6_error(kRouter6, kLocal6, 3, 0, echo4);
  EXPECT_FALSE(reply_route(mixed));
}

TEST(ReplyRoute, TruncatedAndGarbageAreIgnored) {
  auto udp4 = build_udp_probe_v4(Endpoint{kLocal4, 40001}, Endpoint{kTarget4, 33434}, 3);
  auto error = testutils::icmp_error(kRouter4, kLocal4, 11, 0, udp4);
  for (std::size_t n = 0; n < error.size(); ++n) {
    auto got = reply_route(std::span(error).first(n));
    // Cut before the quoted ports: no route; from there on the route is right.
    if (got) {
      EXPECT_EQ(*got, route(false, RouteKind::Udp, 40001)) << n;
    }
  }
  EXPECT_FALSE(reply_route(std::span(error).first(20 + 8 + 20 + 1))) << "ports cut off";
  auto syn = segment(IpAddress(kTarget4), IpAddress(kLocal4), 443, 40002, kTcpSyn | kTcpAck);
  for (std::size_t n = 0; n < syn.size(); ++n) EXPECT_FALSE(reply_route(std::span(syn).first(n))) << n;
  std::vector<std::uint8_t> junk(64);
  for (std::size_t i = 0; i < junk.size(); ++i) junk[i] = static_cast<std::uint8_t>(i * 37 + 11);
  EXPECT_FALSE(reply_route(junk));
  EXPECT_FALSE(reply_route({}));
}

}  // namespace
}  // namespace ddtr::probes
