// normalizeE2eProbe and calculateJitter.
#include <gtest/gtest.h>

#include "shared/result/go_json.hpp"
#include "shared/result/normalize.hpp"

namespace ddtr {
namespace {

E2eProbe stats_of(std::optional<std::vector<double>> rtts) {
  E2eProbe e2e;
  e2e.rtts = std::move(rtts);
  compute_e2e_stats(e2e);
  return e2e;
}

TEST(E2eStats, ReferenceVector) {
  const E2eProbe e = stats_of(std::vector<double>{20, 30, 40, 0, 30});
  EXPECT_EQ(e.packets_sent, 5);
  EXPECT_EQ(e.packets_received, 4);
  EXPECT_EQ(e.packet_loss_percentage, 0.2f);
  EXPECT_EQ(go_format_float32(e.packet_loss_percentage), "0.2");
  EXPECT_EQ(e.rtt, (RttStats{30, 20, 40}));
  EXPECT_EQ(e.jitter, 10);  // |30-20|, |40-30|, |30-40| over the 4 received: 30/3
  EXPECT_EQ(e.rtts->size(), 5u);  // the rtts themselves are left alone
}

TEST(E2eStats, AllLost) {
  const E2eProbe e = stats_of(std::vector<double>{0, 0, 0});
  EXPECT_EQ(e.packets_sent, 3);
  EXPECT_EQ(e.packets_received, 0);
  EXPECT_EQ(e.packet_loss_percentage, 1.0f);
  EXPECT_EQ(e.jitter, 0);
  EXPECT_EQ(e.rtt, RttStats{});
}

TEST(E2eStats, NoProbesLeavesEverythingZero) {
  EXPECT_EQ(stats_of(std::nullopt), E2eProbe{});
  const E2eProbe empty = stats_of(std::vector<double>{});
  EXPECT_EQ(empty.packets_sent, 0);
  EXPECT_EQ(empty.packet_loss_percentage, 0);
  EXPECT_EQ(empty.rtt, RttStats{});
}

TEST(E2eStats, JitterSkipsLostProbesInCompletionOrder) {
  const E2eProbe e = stats_of(std::vector<double>{10, 0, 20, 0, 0, 15});
  EXPECT_EQ(e.jitter, 7.5);  // over [10, 20, 15]: (10 + 5) / 2
  EXPECT_EQ(e.rtt, (RttStats{15, 10, 20}));
}

TEST(E2eStats, SingleReplyHasNoJitter) {
  const E2eProbe e = stats_of(std::vector<double>{0, 12.5});
  EXPECT_EQ(e.packets_received, 1);
  EXPECT_EQ(e.jitter, 0);
  EXPECT_EQ(e.rtt, (RttStats{12.5, 12.5, 12.5}));
  EXPECT_EQ(e.packet_loss_percentage, 0.5f);
}

TEST(E2eStats, OnlyPositiveRttsCountAsReceived) {
  const E2eProbe e = stats_of(std::vector<double>{-1, 4});
  EXPECT_EQ(e.packets_received, 1);
  EXPECT_EQ(e.rtt.min, 4);
}

TEST(E2eStats, LossIsAFloat32Division) {
  const E2eProbe e = stats_of(std::vector<double>{0, 1, 1});
  EXPECT_EQ(e.packet_loss_percentage, 1.0f / 3.0f);
  EXPECT_EQ(go_format_float32(e.packet_loss_percentage), "0.33333334");
  const E2eProbe tenth = stats_of(std::vector<double>{0, 1, 1, 1, 1, 1, 1, 1, 1, 1});
  EXPECT_EQ(go_format_float32(tenth.packet_loss_percentage), "0.1");
}

}  // namespace
}  // namespace ddtr
