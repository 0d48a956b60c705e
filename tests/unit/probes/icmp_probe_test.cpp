#include <gtest/gtest.h>

#include <random>

#include "daemon/probes/icmp/icmp_packet_build.hpp"
#include "daemon/probes/icmp/icmp_probe.hpp"
#include "daemon/probes/wire/checksum.hpp"
#include "shared/common/error.hpp"
#include "tests/testutils/packets.hpp"

namespace ddtr::probes {
namespace {

using boost::asio::ip::make_address_v4;
const auto kLocal = make_address_v4("192.0.2.5");
const auto kTarget = make_address_v4("203.0.113.5");
const auto kRouter = make_address_v4("192.0.2.14");

TEST(Checksum, Rfc1071Example) {
  // RFC 1071 section 3 example words: 0001 f203 f4f5 f6f7 -> sum ddf2, checksum 220d.
  std::vector<std::uint8_t> bytes = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  EXPECT_EQ(internet_checksum(bytes), 0x220d);
  // Odd length pads with a zero byte.
  std::vector<std::uint8_t> odd = {0x01};
  EXPECT_EQ(internet_checksum(odd), static_cast<std::uint16_t>(~0x0100));
}

TEST(IcmpBuild, ExactBytesOfAnUpstreamProbe) {
  auto p = build_icmp_echo_v4(make_address_v4("192.0.2.1"), kTarget, 1, 3);
  std::vector<std::uint8_t> expected = {
      0x45, 0x00, 0x00, 0x1d,  // version/IHL, TOS, total length 29
      0x00, 0x01, 0x00, 0x00,  // ID = echo id 1, no flags
      0x03, 0x01, 0x00, 0x00,  // TTL 3, protocol ICMP, checksum (checked below)
      192, 0, 2, 1,            // source
      203, 0, 113, 5,          // destination
      0x08, 0x00, 0x00, 0x00,  // echo request, checksum (checked below)
      0x00, 0x01, 0x00, 0x03,  // identifier 1, sequence 3
      0x03,                    // payload: the TTL
  };
  ASSERT_EQ(p.size(), expected.size());
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (i == 10 || i == 11 || i == 22 || i == 23) continue;
    EXPECT_EQ(p[i], expected[i]) << "byte " << i;
  }
  EXPECT_EQ(internet_checksum(std::span(p).first(20)), 0) << "IPv4 header checksum verifies";
  EXPECT_EQ(internet_checksum(std::span(p).subspan(20)), 0) << "ICMP checksum verifies";
}

TEST(Ipv4Parse, RejectsMalformedHeaders) {
  auto good = build_icmp_echo_v4(kLocal, kTarget, 7, 1);
  ASSERT_TRUE(parse_ipv4(good));
  auto bad = good;
  bad[0] = 0x65;  // version 6
  EXPECT_FALSE(parse_ipv4(bad));
  bad = good;
  bad[0] = 0x44;  // IHL 4
  EXPECT_FALSE(parse_ipv4(bad));
  bad = good;
  bad[0] = 0x4f;  // IHL 15: 60 bytes, more than captured
  EXPECT_FALSE(parse_ipv4(bad));
  bad = good;
  bad[2] = 0, bad[3] = 10;  // total length shorter than the header
  EXPECT_FALSE(parse_ipv4(bad));
  EXPECT_FALSE(parse_ipv4(std::span(good).first(19)));
  bad = good;
  bad[2] = 0, bad[3] = 0;  // TSO: 0 means "what was captured"
  auto tso = parse_ipv4(bad);
  ASSERT_TRUE(tso);
  EXPECT_EQ(tso->payload.size(), 9u);
  auto longer = good;
  longer.push_back(0xee);  // trailing capture bytes beyond total length are trimmed
  EXPECT_EQ(parse_ipv4(longer)->payload.size(), 9u);
}

class IcmpProbeTest : public ::testing::Test {
 protected:
  IcmpProbe probe{IcmpProbeConfig{IpAddress(kLocal), IpAddress(kTarget), 42, 1, 30}};
};

TEST_F(IcmpProbeTest, TimeExceededQuotingOurProbeIsAHop) {
  auto sent = probe.build_probe(4);
  auto reply = testutils::icmp_error(kRouter, kLocal, 11, 0, sent);
  auto r = probe.match(reply);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->ttl, 4);
  EXPECT_EQ(r->ip.to_string(), "192.0.2.14");
  EXPECT_FALSE(r->is_dest);
  // Any code counts, as upstream (code 1: fragment reassembly time exceeded).
  EXPECT_TRUE(probe.match(testutils::icmp_error(kRouter, kLocal, 11, 1, sent)));
}

TEST_F(IcmpProbeTest, EchoReplyFromTheTargetIsTheDestination) {
  probe.build_probe(9);
  auto r = probe.match(testutils::icmp_echo_reply(kTarget, kLocal, 42, 9));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->ttl, 9);
  EXPECT_TRUE(r->is_dest);
  EXPECT_EQ(r->ip.to_string(), "203.0.113.5");
}

TEST_F(IcmpProbeTest, ForeignPacketsDoNotMatch) {
  auto sent = probe.build_probe(4);
  // Another trace's echo id.
  IcmpProbe other{IcmpProbeConfig{IpAddress(kLocal), IpAddress(kTarget), 43, 1, 30}};
  auto theirs = other.build_probe(4);
  EXPECT_FALSE(probe.match(testutils::icmp_error(kRouter, kLocal, 11, 0, theirs)));
  EXPECT_FALSE(probe.match(testutils::icmp_echo_reply(kTarget, kLocal, 43, 4)));
  // A quote of a probe to another target, or from another source.
  auto elsewhere = build_icmp_echo_v4(kLocal, make_address_v4("203.0.113.6"), 42, 4);
  EXPECT_FALSE(probe.match(testutils::icmp_error(kRouter, kLocal, 11, 0, elsewhere)));
  auto spoofed = build_icmp_echo_v4(make_address_v4("192.0.2.99"), kTarget, 42, 4);
  EXPECT_FALSE(probe.match(testutils::icmp_error(kRouter, kLocal, 11, 0, spoofed)));
  // A TTL we never sent.
  auto unsent = build_icmp_echo_v4(kLocal, kTarget, 42, 5);
  EXPECT_FALSE(probe.match(testutils::icmp_error(kRouter, kLocal, 11, 0, unsent)));
  // An echo reply from a host that is not the target (upstream would take it).
  EXPECT_FALSE(probe.match(testutils::icmp_echo_reply(kRouter, kLocal, 42, 4)));
  // Destination unreachable is ignored, as upstream's ICMP driver does.
  EXPECT_FALSE(probe.match(testutils::icmp_error(kRouter, kLocal, 3, 1, sent)));
  // Our own outgoing echo request.
  EXPECT_FALSE(probe.match(sent));
  // A quote too short to hold the echo identifier.
  EXPECT_FALSE(probe.match(testutils::icmp_error(kRouter, kLocal, 11, 0, sent, 24)));
}

TEST_F(IcmpProbeTest, BuildRefusesBadTtlsWithUpstreamsMessages) {
  probe.build_probe(1);
  try {
    probe.build_probe(1);
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "icmpDriver asked to send probe for TTL 1 but it was already sent");
  }
  try {
    probe.build_probe(31);
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "icmpDriver asked to send invalid TTL 31");
  }
}

TEST_F(IcmpProbeTest, TruncationsAndGarbageNeverCrashOrMatch) {
  auto sent = probe.build_probe(4);
  auto reply = testutils::icmp_error(kRouter, kLocal, 11, 0, sent);
  for (std::size_t n = 0; n < reply.size(); ++n) {
    auto r = probe.match(std::span(reply).first(n));
    // The quoted echo id and sequence are the last bytes needed.
    if (r) {
      EXPECT_GE(n, reply.size() - 2);
    }
  }
  std::mt19937 rng(12345);
  std::vector<std::uint8_t> buffer;
  for (int i = 0; i < 20000; ++i) {
    buffer.resize(rng() % 120);
    for (auto& b : buffer) b = static_cast<std::uint8_t>(rng());
    if (!buffer.empty() && i % 2 == 0) buffer[0] = 0x45;  // mostly-valid IPv4 half the time
    if (buffer.size() > 9 && i % 4 == 0) buffer[9] = 1;
    (void)probe.match(buffer);
  }
}

}  // namespace
}  // namespace ddtr::probes
