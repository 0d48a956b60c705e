#include "daemon/http/connection_quota.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <string>

namespace ddtr::http {
namespace {

using Lease = ConnectionQuota::Lease;
using Limits = ConnectionQuota::Limits;

IpAddress ip(const char* text) { return boost::asio::ip::make_address(text); }

// Admits one connection for `key`, keeping its lease in `held`; the refusal's text otherwise.
std::string open(ConnectionQuota& quota, std::deque<Lease>& held, const CallerKey& key, Limits limits) {
  auto verdict = quota.admit(key, limits);
  if (auto* lease = std::get_if<Lease>(&verdict)) {
    held.push_back(std::move(*lease));
    return "";
  }
  EXPECT_EQ(std::get<Error>(verdict).code(), ErrorCode::QuotaExceeded);
  return std::get<Error>(verdict).what();
}

TEST(HttpConnectionQuota, KeyIsTheUidWhenKnownElseTheAddress) {
  EXPECT_EQ(caller_key(65534u, ip("127.0.0.1")), CallerKey(65534u));
  EXPECT_EQ(caller_key(std::nullopt, ip("192.0.2.7")), CallerKey(ip("192.0.2.7")));
  // An IPv4-mapped peer is its IPv4 address; IPv6 peers count by their /64.
  EXPECT_EQ(caller_key(std::nullopt, ip("::ffff:192.0.2.7")), CallerKey(ip("192.0.2.7")));
  EXPECT_EQ(caller_key(std::nullopt, ip("2001:db8:1:2:aaaa::1")), caller_key(std::nullopt, ip("2001:db8:1:2::ffff")));
  EXPECT_NE(caller_key(std::nullopt, ip("2001:db8:1:2::1")), caller_key(std::nullopt, ip("2001:db8:1:3::1")));
  // uid 0 is not the address 0.0.0.0, and a uid is never an address.
  EXPECT_NE(caller_key(0u, ip("0.0.0.0")), caller_key(std::nullopt, ip("0.0.0.0")));
  EXPECT_EQ(caller_text(CallerKey(65534u)), "uid 65534");
  EXPECT_EQ(caller_text(caller_key(std::nullopt, ip("192.0.2.7"))), "address 192.0.2.7");
  EXPECT_EQ(caller_text(caller_key(std::nullopt, ip("2001:db8:1:2::9"))), "address 2001:db8:1:2::/64");
}

TEST(HttpConnectionQuota, OneCallerHoldsAtMostItsShareAndTheOthersStillGetIn) {
  ConnectionQuota quota;
  std::deque<Lease> hostile, other;
  const Limits limits{64, 8};
  for (int i = 0; i < 8; ++i) ASSERT_EQ(open(quota, hostile, CallerKey(65534u), limits), "") << i;
  EXPECT_EQ(open(quota, hostile, CallerKey(65534u), limits),
            "too many HTTP connections from uid 65534: it holds 8, the most one caller may "
            "(http.max_connections_per_caller 8)");
  EXPECT_EQ(quota.held(CallerKey(65534u)), 8);
  EXPECT_EQ(quota.total(), 8);  // the refused one is not counted
  EXPECT_EQ(open(quota, other, CallerKey(40012u), limits), "");
  EXPECT_EQ(open(quota, other, caller_key(std::nullopt, ip("127.0.0.1")), limits), "");
  EXPECT_EQ(quota.callers(), 3u);
}

TEST(HttpConnectionQuota, ClosingGivesThePlaceBackAndEmptyEntriesGo) {
  ConnectionQuota quota;
  const Limits limits{64, 2};
  {
    std::deque<Lease> held;
    ASSERT_EQ(open(quota, held, CallerKey(7u), limits), "");
    ASSERT_EQ(open(quota, held, CallerKey(7u), limits), "");
    EXPECT_NE(open(quota, held, CallerKey(7u), limits), "");
    held.pop_front();  // one closes
    EXPECT_EQ(quota.held(CallerKey(7u)), 1);
    EXPECT_EQ(open(quota, held, CallerKey(7u), limits), "");
  }
  EXPECT_EQ(quota.total(), 0);
  EXPECT_EQ(quota.callers(), 0u);  // bounded by the open connections
}

TEST(HttpConnectionQuota, TheLastQuarterIsKeptForCallersThatHoldNone) {
  // The operator lets one caller hold every slot: it still cannot take the last quarter.
  ConnectionQuota quota;
  std::deque<Lease> big, others;
  const Limits limits{8, 8};
  EXPECT_EQ(kept_for_others(8), 2);
  for (int i = 0; i < 6; ++i) ASSERT_EQ(open(quota, big, CallerKey(1000u), limits), "") << i;
  EXPECT_EQ(open(quota, big, CallerKey(1000u), limits),
            "too many HTTP connections from uid 1000: it holds 6, and the last 2 of http.max_connections 8 are kept "
            "for callers that hold none");
  // Two newcomers take the kept two; each is refused a second.
  EXPECT_EQ(open(quota, others, CallerKey(1001u), limits), "");
  EXPECT_NE(open(quota, others, CallerKey(1001u), limits), "");
  EXPECT_EQ(open(quota, others, caller_key(std::nullopt, ip("192.0.2.9")), limits), "");
  EXPECT_EQ(quota.total(), 8);
  // Full: only the server's global cap (http.max_connections) stands in front
  // of a caller holding none; the quota itself would admit it.
  EXPECT_EQ(open(quota, others, CallerKey(1002u), limits), "");
  EXPECT_EQ(quota.total(), 9);
}

TEST(HttpConnectionQuota, SmallCapsKeepNothingBack) {
  ConnectionQuota quota;
  std::deque<Lease> held;
  EXPECT_EQ(kept_for_others(3), 0);
  const Limits limits{3, 3};
  for (int i = 0; i < 3; ++i) ASSERT_EQ(open(quota, held, CallerKey(5u), limits), "") << i;
  EXPECT_NE(open(quota, held, CallerKey(5u), limits), "");
}

TEST(HttpConnectionQuota, NewLimitsApplyToTheNextConnection) {
  ConnectionQuota quota;
  std::deque<Lease> held;
  for (int i = 0; i < 4; ++i) ASSERT_EQ(open(quota, held, CallerKey(5u), Limits{64, 8}), "");
  // A reload lowers the share below what is held: nothing is cut, nothing more admitted.
  EXPECT_NE(open(quota, held, CallerKey(5u), Limits{64, 2}), "");
  EXPECT_EQ(quota.held(CallerKey(5u)), 4);
  held.clear();
  EXPECT_EQ(open(quota, held, CallerKey(5u), Limits{64, 2}), "");
}

TEST(HttpConnectionQuota, RefusalsAreLoggedOncePerCallerPerInterval) {
  ConnectionQuota quota;
  std::deque<Lease> held;
  ASSERT_EQ(open(quota, held, CallerKey(5u), Limits{64, 1}), "");
  ASSERT_EQ(open(quota, held, CallerKey(6u), Limits{64, 1}), "");
  auto t0 = std::chrono::steady_clock::time_point() + std::chrono::hours(1);
  EXPECT_EQ(quota.log_refusal(CallerKey(5u), t0), std::optional<std::uint64_t>(0));
  for (int i = 1; i <= 100; ++i) {
    EXPECT_FALSE(quota.log_refusal(CallerKey(5u), t0 + std::chrono::milliseconds(i * 10)).has_value());
  }
  // Another caller's first refusal is logged, with the count of those not logged.
  EXPECT_EQ(quota.log_refusal(CallerKey(6u), t0 + std::chrono::seconds(2)), std::optional<std::uint64_t>(100));
  EXPECT_EQ(quota.log_refusal(CallerKey(5u), t0 + ConnectionQuota::kLogInterval), std::optional<std::uint64_t>(0));
}

TEST(HttpConnectionQuota, RefusalLinesAreBoundedInAllToo) {
  // A caller that closes everything and floods again has a fresh entry: the
  // bound in all still holds.
  ConnectionQuota quota;
  auto t0 = std::chrono::steady_clock::time_point() + std::chrono::hours(1);
  int logged = 0;
  for (std::uint32_t uid = 0; uid < 100; ++uid) {
    std::deque<Lease> held;
    ASSERT_EQ(open(quota, held, CallerKey(uid % 3), Limits{64, 1}), "");
    if (quota.log_refusal(CallerKey(uid % 3), t0 + std::chrono::milliseconds(uid))) ++logged;
  }
  EXPECT_EQ(logged, ConnectionQuota::kLogLines);
  std::deque<Lease> held;
  ASSERT_EQ(open(quota, held, CallerKey(1u), Limits{64, 1}), "");
  EXPECT_EQ(quota.log_refusal(CallerKey(1u), t0 + ConnectionQuota::kLogInterval + std::chrono::seconds(1)),
            std::optional<std::uint64_t>(100 - ConnectionQuota::kLogLines));
}

}  // namespace
}  // namespace ddtr::http
