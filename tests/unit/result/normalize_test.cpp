// result.Normalize: ids, reachable flags, hop_count.
#include <gtest/gtest.h>

#include <regex>

#include "shared/result/normalize.hpp"
#include "tests/unit/result/example_results.hpp"

namespace ddtr {
namespace {

// A run whose hop at TTL i+1 answered from ips[i] ("" = no answer).
ddtr::Run run_with(const std::vector<std::string>& ips) {
  ddtr::Run run;
  int ttl = 1;
  for (const auto& ip : ips) run.hops.push_back(Hop{ttl++, ip, ip.empty() ? 0.0 : 1.0, false, {}, false});
  return run;
}

HopCount hop_count_of(std::vector<ddtr::Run> runs) {
  Results r;
  r.runs = std::move(runs);
  RunIdGenerator ids;
  normalize(r, ids);
  return r.hop_count;
}

bool is_id(const std::string& id) { return std::regex_match(id, std::regex("^[A-Za-z0-9_-]{22}$")); }

TEST(Normalize, ReproducesTheReferenceExample) {
  Results r = test::example_measurements();
  RunIdGenerator ids;
  normalize(r, ids);
  EXPECT_TRUE(is_id(r.test_run_id));
  for (const ddtr::Run& run : *r.runs) EXPECT_TRUE(is_id(run.run_id));
  // Apart from the random ids, normalize() computes the reference's document.
  Results expected = test::example_document();
  expected.test_run_id = r.test_run_id;
  for (std::size_t i = 0; i < r.runs->size(); ++i) (*expected.runs)[i].run_id = (*r.runs)[i].run_id;
  EXPECT_EQ(r, expected);
}

TEST(Normalize, FreshDistinctIdsOnEveryCall) {
  Results r = test::example_measurements();
  RunIdGenerator ids;
  normalize(r, ids);
  const Results first = r;
  EXPECT_NE((*r.runs)[0].run_id, (*r.runs)[1].run_id);
  EXPECT_NE(r.test_run_id, (*r.runs)[0].run_id);
  normalize(r, ids);
  EXPECT_NE(r.test_run_id, first.test_run_id);
  EXPECT_NE((*r.runs)[0].run_id, (*first.runs)[0].run_id);
}

TEST(Normalize, ReachableFollowsTheIpAddress) {
  Results r;
  ddtr::Run run = run_with({"192.0.2.6", "", "0.0.0.0"});
  run.hops[1].reachable = true;  // stale flag: recomputed
  r.runs = std::vector<ddtr::Run>{run};
  RunIdGenerator ids;
  normalize(r, ids);
  const auto& hops = (*r.runs)[0].hops;
  EXPECT_TRUE(hops[0].reachable);
  EXPECT_FALSE(hops[1].reachable);
  EXPECT_TRUE(hops[2].reachable);  // any non-empty address counts, as net.IP{0,0,0,0} != nil
}

TEST(NormalizeHopCount, CountsUpToTheLastAnsweringHop) {
  const auto count = hop_count_of({run_with({"192.0.2.6", "", "203.0.113.5"}), run_with({"192.0.2.6", "192.0.2.10", "", ""})});
  EXPECT_EQ(count, (HopCount{2.5, 2, 3}));
}

TEST(NormalizeHopCount, RunWithNoAnswerCountsAllItsHops) {
  EXPECT_EQ(hop_count_of({run_with(std::vector<std::string>(30, ""))}), (HopCount{30, 30, 30}));
  // Next to a run that reached its target in 3 hops.
  EXPECT_EQ(hop_count_of({run_with({"", "", "203.0.113.5"}), run_with(std::vector<std::string>(30, ""))}),
            (HopCount{16.5, 3, 30}));
}

TEST(NormalizeHopCount, AvgIsAFloatDivision) {
  EXPECT_EQ(hop_count_of({run_with({"a"}), run_with({"a", "b"}), run_with({"a", "b"})}).avg, 5.0 / 3.0);
}

// Only a run with no hops at all counts 0. Go's min rule is
// `if c < min || min == 0 { min = c }`: a running min of 0 means unset.
TEST(NormalizeHopCount, ZeroCountIsIgnoredForMinWhenFollowedByAnother) {
  EXPECT_EQ(hop_count_of({ddtr::Run{}, run_with({"", "192.0.2.1"}), run_with({"a", "b", "c"})}), (HopCount{5.0 / 3.0, 2, 3}));
  EXPECT_EQ(hop_count_of({run_with({"", "", "c"}), ddtr::Run{}, run_with({"a", "b", "c", "d", "e"})}),
            (HopCount{8.0 / 3.0, 5, 5}));  // upstream quirk: the 0 reset min, so 5 won over 3
  EXPECT_EQ(hop_count_of({run_with({"a", "b", "c"}), ddtr::Run{}}), (HopCount{1.5, 0, 3}));  // a trailing 0 wins
  EXPECT_EQ(hop_count_of({ddtr::Run{}, ddtr::Run{}}), (HopCount{0, 0, 0}));
}

TEST(NormalizeHopCount, NoRunsLeavesZeroes) {
  Results r;
  r.hop_count = HopCount{};
  RunIdGenerator ids;
  normalize(r, ids);  // runs == nullopt: "runs": null
  EXPECT_EQ(r.hop_count, HopCount{});
  EXPECT_TRUE(is_id(r.test_run_id));
  r.runs = std::vector<ddtr::Run>{};
  normalize(r, ids);
  EXPECT_EQ(r.hop_count, HopCount{});
}

TEST(Normalize, ComputesE2eStatistics) {
  Results r;
  r.e2e_probe.rtts = std::vector<double>{20, 30, 40, 0, 30};
  RunIdGenerator ids;
  normalize(r, ids);
  EXPECT_EQ(r.e2e_probe.packets_sent, 5);
  EXPECT_EQ(r.e2e_probe.jitter, 10);
}

}  // namespace
}  // namespace ddtr
