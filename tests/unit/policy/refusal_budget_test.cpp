// The refusal budget with an injected clock: a burst logged, the rest counted,
// one summary per principal and minute, principals forgotten once idle.
#include "daemon/policy/refusal_budget.hpp"

#include <gtest/gtest.h>

namespace ddtr::policy {
namespace {

using namespace std::chrono_literals;

struct FakeClock {
  std::chrono::steady_clock::time_point now{std::chrono::hours(1000)};
  RefusalBudget::Clock fn() {
    return [this] { return now; };
  }
};

TEST(RefusalBudget, BurstThenSuppressedThenOneSummary) {
  FakeClock clock;
  RefusalBudget budget({3, 6}, clock.fn());  // 3 in a row, then one per 10 s
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(budget.take(65534, "uid=65534 (nobody)", ErrorCode::PolicyDenied));
  for (int i = 0; i < 19'997; ++i) EXPECT_FALSE(budget.take(65534, "uid=65534 (nobody)", ErrorCode::PolicyDenied));
  EXPECT_FALSE(budget.take(65534, "uid=65534 (nobody)", ErrorCode::InvalidRequest));
  EXPECT_TRUE(budget.due().empty());  // the minute is not over
  clock.now += 59s;
  EXPECT_TRUE(budget.due().empty());
  clock.now += 1s;
  auto summaries = budget.due();
  ASSERT_EQ(summaries.size(), 1u);
  EXPECT_EQ(summaries[0].principal, 65534u);
  EXPECT_EQ(summaries[0].suppressed, 19'998u);
  ASSERT_EQ(summaries[0].codes.size(), 2u);
  EXPECT_EQ(summaries[0].codes[0], std::make_pair(ErrorCode::InvalidRequest, std::uint64_t{1}));
  EXPECT_EQ(summaries[0].codes[1], std::make_pair(ErrorCode::PolicyDenied, std::uint64_t{19'997}));
  EXPECT_EQ(summaries[0].interval, 60s);
  EXPECT_EQ(describe(summaries[0]).rfind("uid=65534 (nobody): 19998 refusals suppressed in the last 60 s "
                                         "(INVALID_REQUEST 1, POLICY_DENIED 19997)", 0),
            0u);
  EXPECT_TRUE(budget.due().empty());  // reported once
}

TEST(RefusalBudget, RefillsAtItsRate) {
  FakeClock clock;
  RefusalBudget budget({1, 6}, clock.fn());
  EXPECT_TRUE(budget.take(1, "a", ErrorCode::Unauthorized));
  EXPECT_FALSE(budget.take(1, "a", ErrorCode::Unauthorized));
  clock.now += 9s;
  EXPECT_FALSE(budget.take(1, "a", ErrorCode::Unauthorized));
  clock.now += 10s;
  EXPECT_TRUE(budget.take(1, "a", ErrorCode::Unauthorized));
}

TEST(RefusalBudget, PrincipalsAreApart) {
  FakeClock clock;
  RefusalBudget budget({2, 0}, clock.fn());
  EXPECT_TRUE(budget.take(1, "a", ErrorCode::PolicyDenied));
  EXPECT_TRUE(budget.take(1, "a", ErrorCode::PolicyDenied));
  EXPECT_FALSE(budget.take(1, "a", ErrorCode::PolicyDenied));
  // Another user's refusals are still logged.
  EXPECT_TRUE(budget.take(2, "b", ErrorCode::PolicyDenied));
}

TEST(RefusalBudget, ZeroBurstLogsOnlySummaries) {
  FakeClock clock;
  RefusalBudget budget({0, 0}, clock.fn());
  EXPECT_FALSE(budget.take(7, "c", ErrorCode::QuotaExceeded));
  clock.now += 60s;
  ASSERT_EQ(budget.due().size(), 1u);
}

TEST(RefusalBudget, IdlePrincipalsAreForgotten) {
  FakeClock clock;
  RefusalBudget budget({1, 60}, clock.fn());
  EXPECT_TRUE(budget.take(1, "a", ErrorCode::PolicyDenied));
  EXPECT_FALSE(budget.take(1, "a", ErrorCode::PolicyDenied));
  EXPECT_EQ(budget.tracked(), 1u);
  clock.now += 60s;
  EXPECT_EQ(budget.due().size(), 1u);
  EXPECT_EQ(budget.tracked(), 0u);  // the bucket is full again: nothing to remember
}

TEST(RefusalBudget, AReloadCapsTheBuckets) {
  FakeClock clock;
  RefusalBudget budget({10, 0}, clock.fn());
  EXPECT_TRUE(budget.take(1, "a", ErrorCode::PolicyDenied));
  budget.set_limits({1, 0});
  EXPECT_TRUE(budget.take(1, "a", ErrorCode::PolicyDenied));
  EXPECT_FALSE(budget.take(1, "a", ErrorCode::PolicyDenied));
}

}  // namespace
}  // namespace ddtr::policy
