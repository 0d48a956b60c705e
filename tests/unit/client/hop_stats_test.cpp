// The watch statistics: Welford against a direct computation, rows per
// address (ECMP), loss per TTL, reset, bounds against a confused daemon.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <random>

#include "client/hop_stats.hpp"

namespace ddtr::client {
namespace {

Hop hop(int ttl, std::string address, double rtt = 1.0, bool dest = false) {
  Hop h;
  h.ttl = ttl;
  h.ip_address = std::move(address);
  h.rtt_ms = h.ip_address.empty() ? 0 : rtt;
  h.reachable = !h.ip_address.empty();
  h.is_dest = dest;
  return h;
}

Results round_of(std::vector<std::vector<Hop>> runs) {
  Results r;
  r.runs.emplace();
  for (auto& hops : runs) {
    Run run;
    run.destination.ip_address = "203.0.113.5";
    run.hops = std::move(hops);
    r.runs->push_back(std::move(run));
  }
  return r;
}

TEST(RunningStats, WelfordMatchesTheDirectComputation) {
  std::mt19937 rng(42);
  std::lognormal_distribution<double> rtt(0.0, 1.5);  // skewed, as RTTs are
  std::vector<double> xs;
  RunningStats s;
  for (int i = 0; i < 10000; ++i) {
    // A large offset makes the naive sum-of-squares formula lose digits; Welford must not.
    double x = 1e6 + rtt(rng);
    xs.push_back(x);
    s.add(x);
  }
  const double n = static_cast<double>(xs.size());
  const double mean = std::accumulate(xs.begin(), xs.end(), 0.0) / n;
  double ss = 0;
  for (double x : xs) ss += (x - mean) * (x - mean);
  const double stddev = std::sqrt(ss / n);
  EXPECT_EQ(s.count(), xs.size());
  EXPECT_NEAR(s.mean(), mean, 1e-6);
  EXPECT_NEAR(s.stddev(), stddev, 1e-6 * stddev);
  EXPECT_EQ(s.best(), *std::min_element(xs.begin(), xs.end()));
  EXPECT_EQ(s.worst(), *std::max_element(xs.begin(), xs.end()));
  EXPECT_EQ(s.last(), xs.back());
}

TEST(RunningStats, SmallCountsAreExact) {
  RunningStats s;
  EXPECT_EQ(s.count(), 0u);
  EXPECT_EQ(s.stddev(), 0);
  s.add(2.0);
  EXPECT_EQ(s.mean(), 2.0);
  EXPECT_EQ(s.stddev(), 0);
  s.add(4.0);
  s.add(4.0);
  s.add(4.0);
  s.add(5.0);
  s.add(5.0);
  s.add(7.0);
  s.add(9.0);
  EXPECT_DOUBLE_EQ(s.mean(), 5.0);
  EXPECT_DOUBLE_EQ(s.stddev(), 2.0);  // the textbook example: population standard deviation 2
  EXPECT_EQ(s.best(), 2.0);
  EXPECT_EQ(s.worst(), 9.0);
  EXPECT_EQ(s.last(), 9.0);
}

TEST(WatchStats, LossPerTtlAcrossRunsAndRounds) {
  WatchStats stats;
  stats.add_round(round_of({{hop(1, "192.0.2.6", 0.5), hop(2, ""), hop(3, "203.0.113.5", 1.5, true)},
                            {hop(1, "192.0.2.6", 0.7), hop(2, "192.0.2.10", 1.0), hop(3, "203.0.113.5", 1.7, true)}}));
  // The destination's probe at TTL 3 lost, found at TTL 4: a loss at TTL 3, no row 4.
  stats.add_round(round_of({{hop(1, "192.0.2.6", 0.6), hop(2, ""), hop(3, "", 0), hop(4, "203.0.113.5", 2.0, true)}}));
  ASSERT_EQ(stats.ttls().size(), 3u);
  EXPECT_EQ(stats.rounds(), 2u);
  const TtlStats& t1 = stats.ttls()[0];
  EXPECT_EQ(t1.sent, 3u);
  EXPECT_EQ(t1.received, 3u);
  EXPECT_EQ(t1.loss_percent(), 0);
  ASSERT_EQ(t1.addresses.size(), 1u);
  EXPECT_NEAR(t1.addresses[0].rtt.mean(), 0.6, 1e-12);
  EXPECT_EQ(t1.addresses[0].rtt.best(), 0.5);
  EXPECT_EQ(t1.addresses[0].rtt.worst(), 0.7);
  EXPECT_EQ(t1.addresses[0].rtt.last(), 0.6);
  const TtlStats& t2 = stats.ttls()[1];
  EXPECT_EQ(t2.sent, 3u);
  EXPECT_EQ(t2.received, 1u);
  EXPECT_NEAR(t2.loss_percent(), 200.0 / 3, 1e-9);
  EXPECT_EQ(stats.ttls()[2].sent, 3u);
  EXPECT_EQ(stats.ttls()[2].received, 2u);
  EXPECT_TRUE(stats.ttls()[2].addresses[0].is_destination);
  EXPECT_EQ(stats.ttls()[2].addresses[0].rtt.count(), 2u);
  EXPECT_EQ(stats.destination(), "203.0.113.5");
}

TEST(WatchStats, RowsEndAtTheShallowestDestinationTtl) {
  WatchStats stats;
  // First seen deep (its TTL 2 probe lost), then at TTL 2: the deeper rows go.
  stats.add_round(round_of({{hop(1, "192.0.2.6"), hop(2, ""), hop(3, "203.0.113.5", 1, true)}}));
  ASSERT_EQ(stats.ttls().size(), 3u);
  stats.add_round(round_of({{hop(1, "192.0.2.6"), hop(2, "203.0.113.5", 1, true)}}));
  ASSERT_EQ(stats.ttls().size(), 2u);
  EXPECT_EQ(stats.ttls()[1].sent, 2u);
  EXPECT_EQ(stats.ttls()[1].received, 1u);
  // Unreached (a filtered target): every TTL a run listed is a row.
  WatchStats filtered;
  filtered.add_round(round_of({{hop(1, "192.0.2.6"), hop(2, ""), hop(3, ""), hop(4, "")}}));
  EXPECT_EQ(filtered.ttls().size(), 4u);
}

TEST(WatchStats, EveryAddressAtATtlIsItsOwnRow) {
  WatchStats stats;
  for (int round = 0; round < 4; ++round) {
    std::string branch = round % 2 == 0 ? "192.0.2.18" : "198.51.100.18";
    stats.add_round(round_of({{hop(1, "192.0.2.6"), hop(2, branch, 1.0 + round), hop(3, "203.0.113.5", 2, true)}}));
  }
  const TtlStats& t2 = stats.ttls()[1];
  ASSERT_EQ(t2.addresses.size(), 2u);
  EXPECT_EQ(t2.addresses[0].address, "192.0.2.18");  // in order of first answer
  EXPECT_EQ(t2.addresses[1].address, "198.51.100.18");
  EXPECT_EQ(t2.addresses[0].rtt.count(), 2u);
  EXPECT_EQ(t2.addresses[1].rtt.count(), 2u);
  EXPECT_EQ(t2.addresses[0].rtt.mean(), 2.0);  // rounds 0 and 2: 1 and 3
  EXPECT_EQ(t2.addresses[1].rtt.mean(), 3.0);  // rounds 1 and 3: 2 and 4
  EXPECT_EQ(t2.sent, 4u);
  EXPECT_EQ(t2.received, 4u);
}

TEST(WatchStats, NamesComeFromTheFirstRoundThatHasThem) {
  WatchStats stats;
  stats.add_round(round_of({{hop(1, "192.0.2.6")}}));
  Results named = round_of({{hop(1, "192.0.2.6")}});
  (*named.runs)[0].hops[0].reverse_dns = {"r1.example.", "other.example."};
  stats.add_round(named);
  EXPECT_EQ(stats.ttls()[0].addresses[0].name, "r1.example.");
}

TEST(WatchStats, ResetForgetsEverythingButTheDestination) {
  WatchStats stats;
  stats.add_round(round_of({{hop(1, "192.0.2.6"), hop(2, "203.0.113.5", 1, true)}}));
  stats.note_refused();
  stats.note_throttled();
  stats.reset();
  EXPECT_TRUE(stats.ttls().empty());
  EXPECT_EQ(stats.rounds(), 0u);
  EXPECT_EQ(stats.refused(), 0u);
  EXPECT_EQ(stats.throttled(), 0u);
  EXPECT_EQ(stats.destination(), "203.0.113.5");
  stats.add_round(round_of({{hop(1, "192.0.2.6", 3.0)}}));
  EXPECT_EQ(stats.ttls()[0].sent, 1u);
  EXPECT_EQ(stats.ttls()[0].addresses[0].rtt.mean(), 3.0);
}

TEST(WatchStats, ABadDaemonCannotGrowItWithoutBound) {
  WatchStats stats;
  std::vector<Hop> hops{hop(0, "192.0.2.1"), hop(256, "192.0.2.1"), hop(-4, "192.0.2.1")};
  for (int i = 0; i < 100; ++i) hops.push_back(hop(1, "192.0.2." + std::to_string(i)));
  stats.add_round(round_of({hops}));
  ASSERT_EQ(stats.ttls().size(), 1u);
  EXPECT_EQ(stats.ttls()[0].addresses.size(), WatchStats::kMaxAddressesPerTtl);
  EXPECT_EQ(stats.ttls()[0].received, 100u);  // every answer still counts
  Results none;
  stats.add_round(none);  // runs: null
  EXPECT_EQ(stats.rounds(), 2u);
}

TEST(WatchStats, MemoryIsConstantOverManyRounds) {
  WatchStats stats;
  for (int i = 0; i < 5000; ++i) {
    stats.add_round(round_of({{hop(1, "192.0.2.6", i * 0.001), hop(2, "203.0.113.5", 1, true)}}));
  }
  ASSERT_EQ(stats.ttls().size(), 2u);
  EXPECT_EQ(stats.ttls()[0].addresses.size(), 1u);
  EXPECT_EQ(stats.ttls()[0].addresses[0].rtt.count(), 5000u);
}

}  // namespace
}  // namespace ddtr::client
