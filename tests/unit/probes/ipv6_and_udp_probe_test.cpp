// ICMPv6 probes, and UDP probes on both families: bytes on the wire and the
// exact matching of the replies routers and targets send.
#include <gtest/gtest.h>

#include <random>

#include "daemon/probes/icmp/icmp_packet_build.hpp"
#include "daemon/probes/icmp/icmp_probe.hpp"
#include "daemon/probes/udp/udp_packet_build.hpp"
#include "daemon/probes/udp/udp_probe.hpp"
#include "daemon/probes/wire/checksum.hpp"
#include "daemon/probes/wire/ipv6_header.hpp"
#include "tests/testutils/packets.hpp"

namespace ddtr::probes {
namespace {

using boost::asio::ip::make_address;
using boost::asio::ip::make_address_v4;
using boost::asio::ip::make_address_v6;

const auto kLocal6 = make_address_v6("2001:db8:1:1::1");
const auto kTarget6 = make_address_v6("2001:db8:ffff::5");
const auto kRouter6 = make_address_v6("2001:db8:1:3::2");
const auto kLocal4 = make_address_v4("192.0.2.5");
const auto kTarget4 = make_address_v4("203.0.113.5");
const auto kRouter4 = make_address_v4("192.0.2.14");

TEST(Icmpv6Build, UpstreamShapeAndValidChecksum) {
  auto p = build_icmp_echo_v6(kLocal6, kTarget6, 7, 4);
  ASSERT_EQ(p.size(), 49u);
  EXPECT_EQ(p[0], 0x60);
  EXPECT_EQ(p[5], 9);    // payload length
  EXPECT_EQ(p[6], 58);   // ICMPv6
  EXPECT_EQ(p[7], 4);    // hop limit = TTL
  EXPECT_EQ(p[40], 128);  // echo request
  EXPECT_EQ((p[44] << 8) | p[45], 7);  // identifier
  EXPECT_EQ((p[46] << 8) | p[47], 4);  // sequence = TTL
  EXPECT_EQ(p[48], 4);
  EXPECT_EQ(ipv6_transport_checksum(kLocal6, kTarget6, 58, std::span(p).subspan(40)), 0);
}

TEST(Icmpv6Probe, MatchesTimeExceededAndEchoReply) {
  IcmpProbe probe{IcmpProbeConfig{IpAddress(kLocal6), IpAddress(kTarget6), 7, 1, 30}};
  auto sent = probe.build_probe(3);
  auto hop = probe.match(testutils::icmpv6_error(kRouter6, kLocal6, 3, 0, sent));
  ASSERT_TRUE(hop);
  EXPECT_EQ(hop->ttl, 3);
  EXPECT_EQ(hop->ip.to_string(), "2001:db8:1:3::2");
  EXPECT_FALSE(hop->is_dest);
  auto dest = probe.match(testutils::icmpv6_echo_reply(kTarget6, kLocal6, 7, 3));
  ASSERT_TRUE(dest);
  EXPECT_TRUE(dest->is_dest);
  EXPECT_FALSE(probe.match(testutils::icmpv6_echo_reply(kTarget6, kLocal6, 8, 3)));   // other id
  EXPECT_FALSE(probe.match(testutils::icmpv6_echo_reply(kRouter6, kLocal6, 7, 3)));   // not the target
  EXPECT_FALSE(probe.match(testutils::icmpv6_error(kRouter6, kLocal6, 1, 4, sent)));  // unreachable: ignored
  EXPECT_FALSE(probe.match(sent));
}

TEST(UdpBuild, V4UpstreamBytes) {
  Endpoint src{IpAddress(kLocal4), 40000}, dst{IpAddress(kTarget4), 33434};
  auto p = build_udp_probe_v4(src, dst, 5);
  ASSERT_EQ(p.size(), 36u);
  EXPECT_EQ((p[4] << 8) | p[5], 41821 + 5);  // IP ID
  EXPECT_EQ(p[6], 0x40);                     // DF
  EXPECT_EQ(p[8], 5);                        // TTL
  EXPECT_EQ(p[9], 17);
  EXPECT_EQ((p[24] << 8) | p[25], 16);  // UDP length
  std::vector<std::uint8_t> payload(p.begin() + 28, p.end());
  std::vector<std::uint8_t> expected = {'N', 'S', 'M', 'N', 'C', 0, (41826 >> 8) & 0xff, 41826 & 0xff};
  EXPECT_EQ(payload, expected);
  EXPECT_EQ(internet_checksum(std::span(p).first(20)), 0);
  EXPECT_EQ(ipv4_transport_checksum(kLocal4.to_uint(), kTarget4.to_uint(), 17, std::span(p).subspan(20)), 0);
}

TEST(UdpBuild, V6LengthCarriesTheTtl) {
  Endpoint src{IpAddress(kLocal6), 40000}, dst{IpAddress(kTarget6), 33434};
  for (int ttl : {1, 9, 30}) {
    auto p = build_udp_probe_v6(src, dst, static_cast<std::uint8_t>(ttl));
    EXPECT_EQ(p.size(), 40u + 13 + ttl);
    EXPECT_EQ((p[4] << 8) | p[5], 13 + ttl);  // payload length = UDP length
    EXPECT_EQ(p[48], 'N');
    EXPECT_EQ(p[52], 'C');
    EXPECT_EQ(ipv6_transport_checksum(kLocal6, kTarget6, 17, std::span(p).subspan(40)), 0);
  }
}

template <typename Make>
void check_udp_matching(const Endpoint& local, const Endpoint& target, IpAddress router, Make error) {
  UdpProbe probe{UdpProbeConfig{local, target, 1, 30}};
  auto sent = probe.build_probe(4);
  auto hop = probe.match(error(router, local.address, true, 0, sent));
  ASSERT_TRUE(hop);
  EXPECT_EQ(hop->ttl, 4);
  EXPECT_FALSE(hop->is_dest);
  // Port unreachable from the target: the destination.
  auto dest = probe.match(error(target.address, local.address, false, 4, sent));
  ASSERT_TRUE(dest);
  EXPECT_TRUE(dest->is_dest);
  EXPECT_EQ(dest->ip, target.address);
  // Time exceeded other than in transit (code 1) does not count, as upstream.
  EXPECT_FALSE(probe.match(error(router, local.address, true, 1, sent)));
  // Another run's probe (another source port), or one never sent.
  UdpProbe other{UdpProbeConfig{Endpoint{local.address, static_cast<std::uint16_t>(local.port + 1)}, target, 1, 30}};
  EXPECT_FALSE(probe.match(error(router, local.address, true, 0, other.build_probe(4))));
  UdpProbe same{UdpProbeConfig{local, target, 1, 30}};
  EXPECT_FALSE(probe.match(error(router, local.address, true, 0, same.build_probe(5))));
  // A probe to another destination port.
  UdpProbe elsewhere{UdpProbeConfig{local, Endpoint{target.address, 53}, 1, 30}};
  EXPECT_FALSE(probe.match(error(router, local.address, true, 0, elsewhere.build_probe(4))));
  // Truncations never crash; only a quote with the whole key can match.
  auto reply = error(router, local.address, true, 0, sent);
  for (std::size_t n = 0; n < reply.size(); ++n) (void)probe.match(std::span(reply).first(n));
}

TEST(UdpProbe, V4Matching) {
  auto error = [](IpAddress from, IpAddress to, bool exceeded, std::uint8_t code, const std::vector<std::uint8_t>& p) {
    return testutils::icmp_error(from.to_v4(), to.to_v4(), exceeded ? 11 : 3, exceeded ? code : 3, p);
  };
  check_udp_matching(Endpoint{IpAddress(kLocal4), 40000}, Endpoint{IpAddress(kTarget4), 33434}, IpAddress(kRouter4),
                     error);
}

TEST(UdpProbe, V6Matching) {
  auto error = [](IpAddress from, IpAddress to, bool exceeded, std::uint8_t code, const std::vector<std::uint8_t>& p) {
    return testutils::icmpv6_error(from.to_v6(), to.to_v6(), exceeded ? 3 : 1, exceeded ? code : 4, p);
  };
  check_udp_matching(Endpoint{IpAddress(kLocal6), 40000}, Endpoint{IpAddress(kTarget6), 33434}, IpAddress(kRouter6),
                     error);
}

TEST(Parsers, RandomBytesNeverCrash) {
  IcmpProbe icmp{IcmpProbeConfig{IpAddress(kLocal6), IpAddress(kTarget6), 7, 1, 30}};
  UdpProbe udp{UdpProbeConfig{Endpoint{IpAddress(kLocal6), 1}, Endpoint{IpAddress(kTarget6), 2}, 1, 30}};
  std::mt19937 rng(777);
  std::vector<std::uint8_t> buffer;
  for (int i = 0; i < 20000; ++i) {
    buffer.resize(rng() % 160);
    for (auto& b : buffer) b = static_cast<std::uint8_t>(rng());
    if (buffer.size() > 7 && i % 2 == 0) buffer[0] = 0x60, buffer[6] = (i % 4 == 0) ? 58 : 44;
    (void)icmp.match(buffer);
    (void)udp.match(buffer);
  }
}

}  // namespace
}  // namespace ddtr::probes
