#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "shared/result/normalize.hpp"

namespace ddtr {
namespace {

ddtr::Run run_with(std::vector<std::string> ips) {
  ddtr::Run run;
  int ttl = 1;
  for (auto& ip : ips) run.hops.push_back(Hop{ttl++, ip, ip.empty() ? 0.0 : 1.0, false, {}, false});
  return run;
}

TEST(Normalize, IdsReachabilityAndHopCount) {
  Results r;
  r.runs = std::vector<ddtr::Run>{run_with({"192.0.2.6", "", "203.0.113.5"}), run_with({"192.0.2.6", "192.0.2.10", "", ""})};
  RunIdGenerator ids;
  normalize(r, ids);
  std::regex id("^[A-Za-z0-9_-]{22}$");
  EXPECT_TRUE(std::regex_match(r.test_run_id, id));
  EXPECT_TRUE(std::regex_match((*r.runs)[0].run_id, id));
  EXPECT_NE((*r.runs)[0].run_id, (*r.runs)[1].run_id);
  EXPECT_TRUE((*r.runs)[0].hops[0].reachable);
  EXPECT_FALSE((*r.runs)[0].hops[1].reachable);
  // Counts: 3 (last answering hop is ttl 3) and 2.
  EXPECT_EQ(r.hop_count.min, 2);
  EXPECT_EQ(r.hop_count.max, 3);
  EXPECT_DOUBLE_EQ(r.hop_count.avg, 2.5);
}

TEST(Normalize, SilentRunCountsAllItsHops) {
  Results r;
  r.runs = std::vector<ddtr::Run>{run_with(std::vector<std::string>(30, ""))};
  RunIdGenerator ids;
  normalize(r, ids);
  EXPECT_EQ(r.hop_count.min, 30);
  EXPECT_EQ(r.hop_count.max, 30);
}

TEST(Normalize, NoRunsLeavesHopCountZero) {
  Results r;
  RunIdGenerator ids;
  normalize(r, ids);
  EXPECT_EQ(r.hop_count, HopCount{});
  r.runs = std::vector<ddtr::Run>{};
  normalize(r, ids);
  EXPECT_EQ(r.hop_count, HopCount{});
}

TEST(E2eStats, ReferenceVectors) {
  E2eProbe e;
  e.rtts = std::vector<double>{20, 30, 40, 0, 30};
  compute_e2e_stats(e);
  EXPECT_EQ(e.packets_sent, 5);
  EXPECT_EQ(e.packets_received, 4);
  EXPECT_FLOAT_EQ(e.packet_loss_percentage, 0.2f);
  EXPECT_DOUBLE_EQ(e.rtt.avg, 30);
  EXPECT_DOUBLE_EQ(e.rtt.min, 20);
  EXPECT_DOUBLE_EQ(e.rtt.max, 40);
  EXPECT_DOUBLE_EQ(e.jitter, 10);

  E2eProbe lost;
  lost.rtts = std::vector<double>{0, 0, 0};
  compute_e2e_stats(lost);
  EXPECT_EQ(lost.packets_received, 0);
  EXPECT_FLOAT_EQ(lost.packet_loss_percentage, 1.0f);
  EXPECT_EQ(lost.jitter, 0);
  EXPECT_EQ(lost.rtt, RttStats{});

  E2eProbe none;
  compute_e2e_stats(none);
  EXPECT_EQ(none.packets_sent, 0);
  EXPECT_EQ(none.packet_loss_percentage, 0);
}

TEST(PrivateIps, OnlyRfc1918AndUniqueLocal) {
  for (const char* ip : {"10.0.0.1", "10.255.255.255", "172.16.0.1", "172.31.255.254", "192.168.1.1", "fc00::1",
                         "fd12:3456::1", "::ffff:10.1.2.3"}) {
    EXPECT_TRUE(is_private_ip(ip)) << ip;
  }
  for (const char* ip : {"", "garbage", "9.255.255.255", "11.0.0.0", "172.15.255.255", "172.32.0.0", "192.167.1.1",
                         "127.0.0.1", "169.254.1.1", "100.64.0.1", "192.0.2.1", "203.0.113.5", "fe80::1", "2001:db8::1",
                         "fbff::1"}) {
    EXPECT_FALSE(is_private_ip(ip)) << ip;
  }
}

TEST(PrivateIps, RemoveBlanksHopsButKeepsTheRest) {
  Results r;
  auto run = run_with({"10.0.0.1", "192.0.2.6", "203.0.113.5"});
  run.hops[0].reverse_dns = {"gw.example."};
  run.source.ip_address = "10.0.0.5";
  r.runs = std::vector<ddtr::Run>{run};
  RunIdGenerator ids;
  normalize(r, ids);
  auto count = r.hop_count;
  remove_private_hops(r);
  const auto& hops = (*r.runs)[0].hops;
  EXPECT_EQ(hops[0], (Hop{1, "", 0, false, {}, false}));
  EXPECT_EQ(hops[1].ip_address, "192.0.2.6");
  EXPECT_EQ(r.hop_count, count);
  EXPECT_EQ((*r.runs)[0].source.ip_address, "10.0.0.5");
}

TEST(RunIds, ShapeAndVersion) {
  RunIdGenerator ids;
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto id = ids.next();
    ASSERT_EQ(id.size(), 22u);
    EXPECT_TRUE(seen.insert(id).second);
    // Byte 6's high nibble is the version (4): characters 8-9 of base64 hold bits 48..59.
    static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    auto c8 = alphabet.find(id[8]);
    ASSERT_NE(c8, std::string::npos);
    EXPECT_EQ(c8 >> 2, 4u) << id;  // bits 48..53: the version nibble and two more bits
  }
}

}  // namespace
}  // namespace ddtr
