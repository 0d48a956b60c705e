#include "daemon/rpc/refusal_log.hpp"

#include <gtest/gtest.h>

namespace ddtr::rpcserver {
namespace {

using namespace std::chrono_literals;

TEST(RefusalLog, AFewLinesPerWindowThenACountOnTheNextLine) {
  RefusalLog log(2, 10s);
  RefusalLog::TimePoint now{};
  EXPECT_EQ(log.admit(now), 0u);
  EXPECT_EQ(log.admit(now + 1s), 0u);
  int silent = 0;
  for (int i = 0; i < 1000; ++i) silent += log.admit(now + 2s) ? 0 : 1;
  EXPECT_EQ(silent, 1000);
  EXPECT_EQ(log.admit(now + 10s), 1000u);
  EXPECT_EQ(log.admit(now + 11s), 0u);
  EXPECT_FALSE(log.admit(now + 12s));
}

}  // namespace
}  // namespace ddtr::rpcserver
