#include <gtest/gtest.h>

#include <vector>

#include "daemon/engine/lookup_slots.hpp"

namespace ddtr::engine {
namespace {

TEST(LookupSlots, PerPrincipalBoundWaitsInOrder) {
  LookupSlots slots(2, 10);
  std::vector<int> started;
  std::vector<LookupSlots::Ticket> tickets;
  for (int i = 0; i < 4; ++i) tickets.push_back(slots.acquire(1, [&started, i] { started.push_back(i); }));
  EXPECT_EQ(started, (std::vector<int>{0, 1}));
  EXPECT_EQ(slots.waiting(), 2u);
  // Another principal is not behind principal 1's line.
  slots.acquire(2, [&started] { started.push_back(100); });
  EXPECT_EQ(started.back(), 100);
  slots.release(tickets[0]);
  EXPECT_EQ(started, (std::vector<int>{0, 1, 100, 2}));
  EXPECT_EQ(slots.in_flight(1), 2u);
}

TEST(LookupSlots, GlobalSlotsGoToPrincipalsInTurn) {
  LookupSlots slots(4, 2);
  std::vector<int> started;
  auto a = slots.acquire(1, [&] { started.push_back(1); });
  auto b = slots.acquire(1, [&] { started.push_back(1); });
  slots.acquire(1, [&] { started.push_back(1); });  // waits: global bound
  slots.acquire(2, [&] { started.push_back(2); });  // waits: global bound
  EXPECT_EQ(started.size(), 2u);
  slots.release(a);
  slots.release(b);
  EXPECT_EQ(started, (std::vector<int>{1, 1, 1, 2}));
}

TEST(LookupSlots, WithdrawnWaiterNeverStarts) {
  LookupSlots slots(1, 1);
  bool second = false, third = false;
  auto first = slots.acquire(1, [] {});
  auto waiting = slots.acquire(1, [&] { second = true; });
  slots.acquire(1, [&] { third = true; });
  slots.release(waiting);
  EXPECT_EQ(slots.waiting(), 1u);
  slots.release(first);
  EXPECT_FALSE(second);
  EXPECT_TRUE(third);
}

TEST(LookupSlots, StartMayReleaseAndAcquire) {
  LookupSlots slots(1, 1);
  LookupSlots::Ticket inner = 0;
  int starts = 0;
  auto first = slots.acquire(1, [] {});
  LookupSlots::Ticket second = 0;
  second = slots.acquire(1, [&] {
    ++starts;
    slots.release(second);  // ends at once (e.g. a failure)
    inner = slots.acquire(2, [&] { ++starts; });
  });
  slots.release(first);
  EXPECT_EQ(starts, 2);
  slots.release(inner);
  EXPECT_EQ(slots.in_flight(), 0u);
  EXPECT_EQ(slots.waiting(), 0u);
}

}  // namespace
}  // namespace ddtr::engine
