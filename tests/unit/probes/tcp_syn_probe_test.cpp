// TCP SYN probes: bytes on the wire, and replies matched by the sequence
// number each probe carries.
#include <gtest/gtest.h>

#include <random>

#include "daemon/probes/tcp/tcp_packet_build.hpp"
#include "daemon/probes/tcp/tcp_syn_probe.hpp"
#include "daemon/probes/wire/checksum.hpp"
#include "daemon/probes/wire/ipv6_header.hpp"
#include "daemon/probes/wire/tcp_segment.hpp"
#include "tests/testutils/packets.hpp"

namespace ddtr::probes {
namespace {

using boost::asio::ip::make_address;

const Endpoint kLocal4{make_address("192.0.2.5"), 40000}, kTarget4{make_address("203.0.113.5"), 443};
const Endpoint kLocal6{make_address("2001:db8:1:1::1"), 40000}, kTarget6{make_address("2001:db8:ffff::5"), 443};
constexpr std::uint32_t kSeqBase = 0xfffffff0;  // wraps within the run: arithmetic must be modulo 2^32

std::vector<std::uint8_t> segment(const Endpoint& from, const Endpoint& to, std::uint8_t flags, std::uint32_t seq,
                                  std::uint32_t ack) {
  std::vector<std::uint8_t> tcp(20, 0);
  tcp[0] = from.port >> 8, tcp[1] = from.port & 0xff, tcp[2] = to.port >> 8, tcp[3] = to.port & 0xff;
  for (int i = 0; i < 4; ++i) tcp[4 + i] = static_cast<std::uint8_t>(seq >> (24 - 8 * i));
  for (int i = 0; i < 4; ++i) tcp[8 + i] = static_cast<std::uint8_t>(ack >> (24 - 8 * i));
  tcp[12] = 0x50;
  tcp[13] = flags;
  if (from.address.is_v6()) return testutils::ipv6_packet(from.address.to_v6(), to.address.to_v6(), 6, tcp);
  return testutils::ipv4_packet(from.address.to_v4(), to.address.to_v4(), 6, tcp);
}

TEST(TcpBuild, UpstreamSynShape) {
  auto p = build_tcp_syn(kLocal4, kTarget4, 0x01020304, 77, 6);
  ASSERT_EQ(p.size(), 40u);
  EXPECT_EQ((p[4] << 8) | p[5], 77);  // IP ID
  EXPECT_EQ(p[6], 0);                 // no DF
  EXPECT_EQ(p[8], 6);
  auto s = parse_tcp_segment(p);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->seq, 0x01020304u);
  EXPECT_EQ(s->flags, kTcpSyn);
  EXPECT_EQ((p[34] << 8) | p[35], 1024);  // window
  EXPECT_EQ(ipv4_transport_checksum(0xC0000205, 0xCB007105, 6, std::span(p).subspan(20)), 0);
  auto p6 = build_tcp_syn(kLocal6, kTarget6, 1, 0, 6);
  ASSERT_EQ(p6.size(), 60u);
  EXPECT_EQ(p6[7], 6);
  EXPECT_EQ(ipv6_transport_checksum(kLocal6.address.to_v6(), kTarget6.address.to_v6(), 6, std::span(p6).subspan(40)),
            0);
}

void check_matching(const Endpoint& local, const Endpoint& target, IpAddress router) {
  TcpSynProbe probe{TcpSynProbeConfig{local, target, kSeqBase, 100, 1, 30}};
  std::vector<std::uint8_t> sent[31];
  for (int ttl = 1; ttl <= 12; ++ttl) sent[ttl] = probe.build_probe(ttl);
  bool v6 = local.address.is_v6();
  auto expired = [&](int ttl, std::uint8_t code = 0) {
    return v6 ? testutils::icmpv6_error(router.to_v6(), local.address.to_v6(), 3, code, sent[ttl])
              : testutils::icmp_error(router.to_v4(), local.address.to_v4(), 11, code, sent[ttl]);
  };
  auto hop = probe.match(expired(5));
  ASSERT_TRUE(hop);
  EXPECT_EQ(hop->ttl, 5);
  EXPECT_EQ(hop->ip, router);
  EXPECT_FALSE(probe.match(expired(5, 1)));
  // SYN-ACK and RST+ACK acknowledge seq + 1 of the probe that reached the target.
  auto synack = probe.match(segment(target, local, kTcpSyn | kTcpAck, 999, kSeqBase + 9 + 1));
  ASSERT_TRUE(synack);
  EXPECT_EQ(synack->ttl, 9);
  EXPECT_TRUE(synack->is_dest);
  auto rst = probe.match(segment(target, local, kTcpRst | kTcpAck, 0, kSeqBase + 10 + 1));
  ASSERT_TRUE(rst);
  EXPECT_EQ(rst->ttl, 10);
  // A bare RST with nothing of ours in it names no probe: the latest one is
  // only a bound, and the run attributes it (issue 19 item 2).
  auto bare = probe.match(segment(target, local, kTcpRst, 0, 0));
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->ttl, 12);
  EXPECT_TRUE(bare->unattributed);
  EXPECT_TRUE(bare->is_dest);
  // A bare RST that carries the probe's sequence + 1 (in its acknowledgment
  // field without the flag, or in its own sequence) names that probe.
  auto in_ack = probe.match(segment(target, local, kTcpRst, 0, kSeqBase + 7 + 1));
  ASSERT_TRUE(in_ack);
  EXPECT_EQ(in_ack->ttl, 7);
  EXPECT_FALSE(in_ack->unattributed);
  auto in_seq = probe.match(segment(target, local, kTcpRst, kSeqBase + 8 + 1, 0));
  ASSERT_TRUE(in_seq);
  EXPECT_EQ(in_seq->ttl, 8);
  EXPECT_FALSE(in_seq->unattributed);
  EXPECT_FALSE(synack->unattributed);
  EXPECT_FALSE(rst->unattributed);
  // Not ours: an ack for a probe never sent, other ports, a plain ACK, our own SYN.
  EXPECT_FALSE(probe.match(segment(target, local, kTcpSyn | kTcpAck, 0, kSeqBase + 20 + 1)));
  EXPECT_FALSE(probe.match(segment(Endpoint{target.address, 80}, local, kTcpSyn | kTcpAck, 0, kSeqBase + 10)));
  EXPECT_FALSE(probe.match(segment(target, Endpoint{local.address, 40001}, kTcpSyn | kTcpAck, 0, kSeqBase + 10)));
  EXPECT_FALSE(probe.match(segment(target, local, kTcpAck, 0, kSeqBase + 10)));
  EXPECT_FALSE(probe.match(sent[3]));
  auto reply = expired(5);
  for (std::size_t n = 0; n < reply.size(); ++n) (void)probe.match(std::span(reply).first(n));
}

TEST(TcpSynProbe, V4Matching) { check_matching(kLocal4, kTarget4, make_address("192.0.2.14")); }
TEST(TcpSynProbe, V6Matching) { check_matching(kLocal6, kTarget6, make_address("2001:db8:1:3::2")); }

TEST(TcpSynProbe, FilterIsTheRunsTuple) {
  TcpSynProbe probe{TcpSynProbeConfig{kLocal4, kTarget4, 1, 2, 1, 30}};
  auto f = probe.filter();
  EXPECT_EQ(f.type, platform::FilterType::Tcp);
  EXPECT_EQ(*f.src, kTarget4);
  EXPECT_EQ(*f.dst, kLocal4);
}

TEST(TcpSegment, RandomBytesNeverCrash) {
  TcpSynProbe probe{TcpSynProbeConfig{kLocal4, kTarget4, 1, 2, 1, 30}};
  std::mt19937 rng(99);
  std::vector<std::uint8_t> buffer;
  for (int i = 0; i < 20000; ++i) {
    buffer.resize(rng() % 100);
    for (auto& b : buffer) b = static_cast<std::uint8_t>(rng());
    if (buffer.size() > 9 && i % 2 == 0) buffer[0] = 0x45, buffer[9] = 6;
    (void)probe.match(buffer);
  }
}

}  // namespace
}  // namespace ddtr::probes
