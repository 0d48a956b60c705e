// SACK: what the SYN-ACK tells us, the probe bytes, and replies matched by
// their SACK block's left edge or the quoted sequence.
#include <gtest/gtest.h>

#include <array>

#include "daemon/probes/tcp/sack_probe.hpp"
#include "daemon/probes/wire/tcp_options.hpp"
#include "daemon/probes/wire/tcp_segment.hpp"
#include "tests/testutils/packets.hpp"

namespace ddtr::probes {
namespace {

using boost::asio::ip::make_address;
const Endpoint kLocal{make_address("192.0.2.5"), 40000}, kTarget{make_address("203.0.113.5"), 443};

std::vector<std::uint8_t> tcp_v4(const Endpoint& from, const Endpoint& to, std::uint8_t flags, std::uint32_t seq,
                                 std::uint32_t ack, std::vector<std::uint8_t> options) {
  while (options.size() % 4) options.push_back(1);
  std::vector<std::uint8_t> tcp(20, 0);
  tcp[0] = from.port >> 8, tcp[1] = from.port & 0xff, tcp[2] = to.port >> 8, tcp[3] = to.port & 0xff;
  for (int i = 0; i < 4; ++i) tcp[4 + i] = static_cast<std::uint8_t>(seq >> (24 - 8 * i));
  for (int i = 0; i < 4; ++i) tcp[8 + i] = static_cast<std::uint8_t>(ack >> (24 - 8 * i));
  tcp[12] = static_cast<std::uint8_t>(((20 + options.size()) / 4) << 4);
  tcp[13] = flags;
  tcp.insert(tcp.end(), options.begin(), options.end());
  return testutils::ipv4_packet(from.address.to_v4(), to.address.to_v4(), 6, tcp);
}

std::vector<std::uint8_t> be32(std::uint32_t v) {
  return {static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16), static_cast<std::uint8_t>(v >> 8),
          static_cast<std::uint8_t>(v)};
}

TEST(TcpOptions, ParsesAndStopsOnMalformed) {
  std::vector<std::uint8_t> o = {2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 7, 0, 0, 0, 9, 1, 1};
  auto p = parse_tcp_options(o);
  EXPECT_TRUE(p.sack_permitted);
  ASSERT_TRUE(p.timestamps);
  EXPECT_EQ(p.timestamps->value, 7u);
  EXPECT_EQ(p.timestamps->echo_reply, 9u);
  EXPECT_FALSE(parse_tcp_options(std::vector<std::uint8_t>{4, 1, 4, 2}).sack_permitted);  // length 1: stop
  EXPECT_FALSE(parse_tcp_options(std::vector<std::uint8_t>{5, 30, 0, 0}).has_sack);       // runs past the end
  EXPECT_TRUE(parse_tcp_options(std::vector<std::uint8_t>{8, 6, 0, 0, 0, 0}).truncated_timestamps);
}

TEST(SackConfig, FromSynAckAsUpstream) {
  std::vector<std::uint8_t> ts = {4, 2, 8, 10};
  auto v = be32(1000), e = be32(2000);
  ts.insert(ts.end(), v.begin(), v.end());
  ts.insert(ts.end(), e.begin(), e.end());
  auto synack = tcp_v4(kTarget, kLocal, kTcpSyn | kTcpAck, 5000, 777, ts);
  auto c = sack_config_from_synack(synack, kLocal, kTarget, 1, 30);
  EXPECT_EQ(c.init_seq, 777u);   // the ack itself, not ack - 1
  EXPECT_EQ(c.init_ack, 5001u);
  ASSERT_TRUE(c.timestamps);
  EXPECT_EQ(c.timestamps->value, 2050u);       // TSecr + 50
  EXPECT_EQ(c.timestamps->echo_reply, 1000u);  // TSval
  auto no_sack = tcp_v4(kTarget, kLocal, kTcpSyn | kTcpAck, 5000, 777, {});
  try {
    sack_config_from_synack(no_sack, kLocal, kTarget, 1, 30);
    FAIL();
  } catch (const Error& err) {
    EXPECT_TRUE(err.is_not_supported());
    EXPECT_NE(std::string(err.what()).find("missing SACK-permitted option"), std::string::npos);
  }
}

TEST(SackHandshake, RecognisesOnlyTheSynAckOfOurConnection) {
  EXPECT_TRUE(is_handshake_synack(tcp_v4(kTarget, kLocal, kTcpSyn | kTcpAck, 5000, 777, {}), kLocal, kTarget));
  EXPECT_FALSE(is_handshake_synack(tcp_v4(kTarget, kLocal, kTcpSyn, 5000, 777, {}), kLocal, kTarget));
  EXPECT_FALSE(is_handshake_synack(tcp_v4(kTarget, kLocal, kTcpAck, 5000, 777, {}), kLocal, kTarget));
  const Endpoint other_port{kLocal.address, 40001}, other_target{make_address("203.0.113.6"), 443};
  EXPECT_FALSE(is_handshake_synack(tcp_v4(kTarget, other_port, kTcpSyn | kTcpAck, 5000, 777, {}), kLocal, kTarget));
  EXPECT_FALSE(is_handshake_synack(tcp_v4(other_target, kLocal, kTcpSyn | kTcpAck, 5000, 777, {}), kLocal, kTarget));
  auto truncated = tcp_v4(kTarget, kLocal, kTcpSyn | kTcpAck, 5000, 777, {});
  truncated.resize(30);
  EXPECT_FALSE(is_handshake_synack(truncated, kLocal, kTarget));
}

TEST(SackProbe, ProbeBytesAndMatching) {
  SackProbeConfig config{kLocal, kTarget, 777, 5001, TcpTimestamps{2050, 1000}, 1, 30};
  SackProbe probe(config);
  auto p = probe.build_probe(6);
  ASSERT_EQ(p.size(), 20u + 32 + 1);  // upstream's 53 bytes with timestamps
  EXPECT_EQ((p[4] << 8) | p[5], 41821);
  auto s = parse_tcp_segment(p);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->seq, 783u);
  EXPECT_EQ(s->ack, 5001u);
  EXPECT_EQ(s->flags, kTcpAck | kTcpPsh);
  EXPECT_EQ(s->options[0], 8);  // timestamps first, then NOP NOP
  EXPECT_EQ(s->options[10], 1);
  EXPECT_EQ(p.back(), 6);
  probe.build_probe(7);
  // The target's duplicate ACK SACKs [777+6, 777+8): the lowest left edge names TTL 6.
  std::vector<std::uint8_t> sack = {5, 18};
  for (auto part : {be32(777 + 7), be32(777 + 8), be32(777 + 6), be32(777 + 7)}) sack.insert(sack.end(), part.begin(), part.end());
  auto reply = probe.match(tcp_v4(kTarget, kLocal, kTcpAck, 5001, 777, sack));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->ttl, 6);
  EXPECT_TRUE(reply->is_dest);
  // An ACK without SACK blocks is ignored (upstream would abort the run).
  EXPECT_FALSE(probe.match(tcp_v4(kTarget, kLocal, kTcpAck, 5001, 777, {})));
  EXPECT_FALSE(probe.match(tcp_v4(kTarget, kLocal, kTcpAck | kTcpRst, 5001, 777, sack)));
  // A router's Time Exceeded quotes the sequence.
  auto hop = probe.match(testutils::icmp_error(make_address("192.0.2.14").to_v4(), kLocal.address.to_v4(), 11, 0, p));
  ASSERT_TRUE(hop);
  EXPECT_EQ(hop->ttl, 6);
  EXPECT_FALSE(hop->is_dest);
  for (std::size_t n = 0; n < p.size(); ++n) (void)probe.match(std::span(p).first(n));
}

// Behind a NAT that does not rewrite the quote, a router's Time Exceeded
// quotes the post-NAT source address. Upstream's SACK driver (LoosenICMPSrc)
// accepts it; so do we, still checking the probe's own identity: the quoted
// destination, both ports and the sequence.
TEST(SackProbe, RouterReplyBehindNatQuotesAnotherSource) {
  SackProbeConfig config{kLocal, kTarget, 777, 5001, std::nullopt, 1, 30};
  SackProbe probe(config);
  auto p = probe.build_probe(3);
  auto natted = p;
  for (int i = 0; i < 4; ++i) natted[12 + i] = std::array<std::uint8_t, 4>{198, 51, 100, 9}[i];
  auto router = make_address("192.0.2.22").to_v4();
  auto hop = probe.match(testutils::icmp_error(router, kLocal.address.to_v4(), 11, 0, natted));
  ASSERT_TRUE(hop);
  EXPECT_EQ(hop->ttl, 3);
  EXPECT_EQ(hop->ip.to_string(), "192.0.2.22");
  EXPECT_FALSE(hop->is_dest);
  // Another flow's quote is still refused: the source port ...
  auto other_port = natted;
  other_port[20] ^= 0x01;
  EXPECT_FALSE(probe.match(testutils::icmp_error(router, kLocal.address.to_v4(), 11, 0, other_port)));
  // ... the destination port, the destination address, a sequence no probe had.
  auto other_dport = natted;
  other_dport[23] ^= 0x01;
  EXPECT_FALSE(probe.match(testutils::icmp_error(router, kLocal.address.to_v4(), 11, 0, other_dport)));
  auto other_dst = natted;
  other_dst[19] ^= 0x01;
  EXPECT_FALSE(probe.match(testutils::icmp_error(router, kLocal.address.to_v4(), 11, 0, other_dst)));
  auto other_seq = natted;
  other_seq[27] = static_cast<std::uint8_t>(other_seq[27] + 1);  // TTL 4: never sent
  EXPECT_FALSE(probe.match(testutils::icmp_error(router, kLocal.address.to_v4(), 11, 0, other_seq)));
}

}  // namespace
}  // namespace ddtr::probes
