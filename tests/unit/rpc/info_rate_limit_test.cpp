#include "daemon/rpc/info_rate_limit.hpp"

#include <gtest/gtest.h>

namespace ddtr::rpcserver {
namespace {

using namespace std::chrono_literals;

TEST(InfoRateLimit, ABurstThenTheRate) {
  InfoRateLimit limit({10, 5});
  InfoRateLimit::TimePoint now{};
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limit.try_take(1, now)) << i;
  EXPECT_FALSE(limit.try_take(1, now));
  EXPECT_FALSE(limit.try_take(1, now + 50ms));  // half a token
  EXPECT_TRUE(limit.try_take(1, now + 100ms));
  EXPECT_FALSE(limit.try_take(1, now + 100ms));
  // A long pause refills to the burst, no more.
  now += 1h;
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limit.try_take(1, now)) << i;
  EXPECT_FALSE(limit.try_take(1, now));
}

TEST(InfoRateLimit, UsersHaveTheirOwnBuckets) {
  InfoRateLimit limit({1, 2});
  InfoRateLimit::TimePoint now{};
  EXPECT_TRUE(limit.try_take(1, now));
  EXPECT_TRUE(limit.try_take(1, now));
  EXPECT_FALSE(limit.try_take(1, now));
  EXPECT_TRUE(limit.try_take(2, now));
}

TEST(InfoRateLimit, ForgetsFullBucketsSoTheMapStaysSmall) {
  InfoRateLimit limit({10, 5});
  InfoRateLimit::TimePoint now{};
  for (std::uint64_t user = 0; user < 1000; ++user) limit.try_take(user, now);
  EXPECT_GT(limit.tracked(), 256u);
  limit.try_take(5000, now + 1h);
  EXPECT_LE(limit.tracked(), 2u);
}

TEST(InfoRateLimit, AnEmptiedBucketIsNotForgotten) {
  InfoRateLimit limit({1, 2});
  InfoRateLimit::TimePoint now{};
  limit.try_take(7, now);
  limit.try_take(7, now);
  // The sweep half a second later: 7 has half a token, so it is kept (a
  // forgotten bucket would come back full).
  for (std::uint64_t user = 100; user < 400; ++user) limit.try_take(user, now + 500ms);
  EXPECT_FALSE(limit.try_take(7, now + 500ms));
}

}  // namespace
}  // namespace ddtr::rpcserver
