#include "daemon/policy/admission.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "shared/common/error.hpp"

namespace ddtr::policy {
namespace {

using namespace std::chrono_literals;

struct Fixture {
  std::chrono::steady_clock::time_point now{};
  Admission admission{GlobalLimits{2, 100}, [this] { return now; }};
  std::vector<std::string> started;

  Admission::Ticket submit(std::uint32_t uid, const RoleLimits& limits, std::string name) {
    std::string user = "u";
    user += std::to_string(uid);  // (not "u" + ...: GCC 12's -Wrestrict false positive)
    return admission.submit(uid, user, Role::User, limits,
                            [this, name] { started.push_back(name); });
  }
};

RoleLimits limits(int concurrent, int queued, double rate = 6000, int burst = 1000) {
  RoleLimits l;
  l.concurrent_traces = concurrent;
  l.queued_traces = queued;
  l.rate_per_minute = rate;
  l.burst = burst;
  return l;
}

std::string refusal(Fixture& f, std::uint32_t uid, const RoleLimits& l) {
  try {
    f.submit(uid, l, "refused");
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::QuotaExceeded);
    return e.what();
  }
  return "(admitted)";
}

TEST(Admission, StartsAtOnceWhileSlotsAreFree) {
  Fixture f;
  auto a = f.submit(1, limits(4, 10), "a");
  auto b = f.submit(1, limits(4, 10), "b");
  EXPECT_EQ(f.started, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(a.running());
  auto c = f.submit(2, limits(4, 10), "c");  // the daemon's two slots are taken
  EXPECT_FALSE(c.running());
  EXPECT_EQ(f.admission.running(), 2);
  EXPECT_EQ(f.admission.queued(), 1);
  a.release();
  EXPECT_EQ(f.started.back(), "c");
  EXPECT_TRUE(c.running());
}

TEST(Admission, UsersTakeTurnsSoABacklogDoesNotStarveOthers) {
  Fixture f;
  std::vector<Admission::Ticket> backlog;
  for (int i = 0; i < 50; ++i) backlog.push_back(f.submit(1, limits(4, 100), std::string("a").append(std::to_string(i))));
  EXPECT_EQ(f.started.size(), 2u);  // global limit 2
  auto mine = f.submit(2, limits(4, 100), "b");
  EXPECT_FALSE(mine.running());
  backlog[0].release();  // the next free slot goes to user 2, not to a2
  EXPECT_EQ(f.started.back(), "b");
  EXPECT_TRUE(mine.running());
  backlog[1].release();
  EXPECT_EQ(f.started.back(), "a2");
}

TEST(Admission, PerUserConcurrencyLeavesSlotsToOthers) {
  Fixture f;
  f.admission.set_global({10, 100});
  auto a1 = f.submit(1, limits(1, 5), "a1");
  auto a2 = f.submit(1, limits(1, 5), "a2");  // waits: user 1 may run one
  auto b1 = f.submit(2, limits(1, 5), "b1");  // runs although a2 waits
  EXPECT_EQ(f.started, (std::vector<std::string>{"a1", "b1"}));
  a1 = Admission::Ticket();  // destroying a running ticket frees its slot
  EXPECT_EQ(f.started.back(), "a2");
}

TEST(Admission, QueueAndConcurrencyQuotas) {
  Fixture f;
  auto l = limits(1, 1);
  auto first = f.submit(7, l, "1");
  auto second = f.submit(7, l, "2");
  EXPECT_EQ(refusal(f, 7, l),
            "user u7 already has 1 traces running and 1 waiting, the most role \"user\" allows "
            "(roles.user.concurrent_traces 1, roles.user.queued_traces 1)");
  second.release();  // a queued ticket that goes away frees its place
  EXPECT_EQ(f.admission.queued(), 0);
  auto third = f.submit(7, l, "3");
  EXPECT_FALSE(third.running());
  first.release();
  EXPECT_EQ(f.started, (std::vector<std::string>{"1", "3"}));
  EXPECT_EQ(refusal(f, 8, limits(0, 5)), "role \"user\" may run no traces (roles.user.concurrent_traces is 0)");
}

TEST(Admission, GlobalQueueIsBounded) {
  Fixture f;
  f.admission.set_global({1, 1});
  auto a = f.submit(1, limits(5, 5), "a");
  auto b = f.submit(2, limits(5, 5), "b");
  EXPECT_EQ(refusal(f, 3, limits(5, 5)),
            "the daemon already has 1 traces waiting, its limit (global.queued_traces 1)");
}

TEST(Admission, TokenBucketRefillsWithTime) {
  Fixture f;
  auto l = limits(100, 100, /*rate*/ 6, /*burst*/ 2);  // one token every 10 s
  {
    auto a = f.submit(1, l, "a");
    auto b = f.submit(1, l, "b");
  }
  EXPECT_EQ(refusal(f, 1, l),
            "rate limit: role \"user\" may start 6 traces per minute in bursts of 2 (roles.user.rate_per_minute, "
            "roles.user.burst); the next may start in 10.0 s");
  EXPECT_EQ(f.admission.usage(1, l).tokens, 0);
  f.now += 5s;
  EXPECT_NE(refusal(f, 1, l).find("the next may start in 5.0 s"), std::string::npos);
  f.now += 5s;
  EXPECT_NO_THROW(f.submit(1, l, "c"));
  // Other users have buckets of their own.
  EXPECT_NO_THROW(f.submit(2, l, "d"));
  f.now += 1h;
  EXPECT_DOUBLE_EQ(f.admission.usage(1, l).tokens, 2);  // never above the burst
}

TEST(Admission, UsageReportsRunningQueuedAndTokens) {
  Fixture f;
  f.admission.set_global({1, 10});
  auto l = limits(1, 5, 60, 10);
  auto a = f.submit(4, l, "a");
  auto b = f.submit(4, l, "b");
  auto usage = f.admission.usage(4, l);
  EXPECT_EQ(usage.running, 1);
  EXPECT_EQ(usage.queued, 1);
  EXPECT_DOUBLE_EQ(usage.tokens, 8);
  EXPECT_EQ(f.admission.usage(5, l).tokens, 10);
}

TEST(Admission, ReleaseFromInsideStartIsSafe) {
  // A start callback that fails at once releases its own ticket; the pump must
  // survive re-entry and go on with the next user.
  Admission admission(GlobalLimits{1, 10});
  std::optional<Admission::Ticket> held;
  std::vector<int> order;
  auto blocker = admission.submit(1, "a", Role::User, limits(5, 5), [&] { order.push_back(1); });
  auto self_releasing = admission.submit(2, "b", Role::User, limits(5, 5), [&] {
    order.push_back(2);
    held->release();
  });
  held.emplace(std::move(self_releasing));
  auto last = admission.submit(3, "c", Role::User, limits(5, 5), [&] { order.push_back(3); });
  blocker.release();
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  EXPECT_TRUE(last.running());
}

TEST(Admission, TicketsOutliveTheAdmissionSafely) {
  std::optional<Admission> admission(std::in_place, GlobalLimits{1, 1});
  auto ticket = admission->submit(1, "a", Role::User, limits(1, 1), [] {});
  admission.reset();
  ticket.release();  // no owner: nothing to free, no crash
  SUCCEED();
}

}  // namespace
}  // namespace ddtr::policy
