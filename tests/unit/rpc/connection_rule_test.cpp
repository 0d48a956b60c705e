#include <gtest/gtest.h>

#include "daemon/rpc/connection_admission.hpp"

namespace ddtr::rpcserver {
namespace {

ConnectionLimits limits(int user_max, int global_max) { return {"nobody", "user", user_max, global_max}; }

TEST(ConnectionRule, AdmitsUnderEveryLimit) {
  EXPECT_FALSE(connection_refusal({0, 0}, limits(32, 4096)));
  EXPECT_FALSE(connection_refusal({31, 4000}, limits(32, 4096)));
}

TEST(ConnectionRule, RefusesPastTheUsersOwnLimitNamingItAndTheUser) {
  auto refusal = connection_refusal({32, 40}, limits(32, 4096));
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->code(), ErrorCode::QuotaExceeded);
  EXPECT_STREQ(refusal->what(),
               "too many connections: user nobody has 32 open, the most role \"user\" allows "
               "(roles.user.max_connections 32)");
}

TEST(ConnectionRule, OneUserCannotFillTheDaemonTheReserveStaysForOthers) {
  // A role allowing more than the daemon holds: one user gets 7/8 of it.
  EXPECT_EQ(one_user_share(4096), 3584);
  EXPECT_EQ(one_user_share(8), 7);
  EXPECT_EQ(one_user_share(1), 1);
  EXPECT_FALSE(connection_refusal({3583, 3583}, limits(100'000, 4096)));
  auto refusal = connection_refusal({3584, 3584}, limits(100'000, 4096));
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->code(), ErrorCode::QuotaExceeded);
  EXPECT_NE(std::string(refusal->what()).find("global.max_connections 4096 less the 512 kept for other users"),
            std::string::npos)
      << refusal->what();
  // Another user still gets in while that one holds its whole share.
  EXPECT_FALSE(connection_refusal({0, 3584}, limits(100'000, 4096)));
}

TEST(ConnectionRule, NobodyGetsInOnceTheDaemonIsFull) {
  auto refusal = connection_refusal({0, 4096}, limits(32, 4096));
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->code(), ErrorCode::QuotaExceeded);
  EXPECT_NE(std::string(refusal->what()).find("the daemon has 4096 open (global.max_connections 4096); user nobody"),
            std::string::npos)
      << refusal->what();
}

TEST(ConnectionRule, ARoleWithNoConnectionsIsAlwaysRefused) {
  EXPECT_TRUE(connection_refusal({0, 0}, limits(0, 4096)));
}

}  // namespace
}  // namespace ddtr::rpcserver
