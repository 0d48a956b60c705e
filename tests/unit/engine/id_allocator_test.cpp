#include <gtest/gtest.h>

#include <set>

#include "daemon/engine/id_allocator.hpp"

namespace ddtr::engine {
namespace {

TEST(IdAllocator, StartsAtOneAndNeverHandsOutAnIdInUse) {
  auto ids = std::make_shared<IdAllocator>();
  auto a = ids->lease();
  auto b = ids->lease();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->id(), 1);
  EXPECT_EQ(b->id(), 2);
  EXPECT_EQ(ids->in_use(), 2u);
  a.reset();
  EXPECT_EQ(ids->in_use(), 1u);
}

TEST(IdAllocator, ExhaustionAndWrapAround) {
  auto ids = std::make_shared<IdAllocator>();
  std::vector<IdLease> all;
  std::set<int> seen;
  for (int i = 0; i < 65535; ++i) {
    auto lease = ids->lease();
    ASSERT_TRUE(lease);
    EXPECT_TRUE(seen.insert(lease->id()).second);
    all.push_back(std::move(*lease));
  }
  EXPECT_FALSE(ids->lease().has_value());
  all.erase(all.begin() + 100);  // frees id 101
  auto again = ids->lease();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->id(), 101);
}

TEST(IdAllocator, CountsHeldPortsAndReleasesTheReservationFirst) {
  auto ids = std::make_shared<IdAllocator>();
  auto reservation = std::make_shared<int>(7);
  std::weak_ptr<int> watch = reservation;
  auto held = ids->count_port(std::move(reservation));
  auto other = ids->count_port(std::make_shared<int>(8));
  EXPECT_EQ(ids->ports_held(), 2u);
  EXPECT_EQ(ids->in_use(), 0u);  // ports are not echo ids
  held.reset();
  EXPECT_TRUE(watch.expired());
  EXPECT_EQ(ids->ports_held(), 1u);
  other.reset();
  EXPECT_EQ(ids->ports_held(), 0u);
}

TEST(IdAllocator, AHeldPortKeepsTheAllocatorAlive) {
  auto ids = std::make_shared<IdAllocator>();
  std::weak_ptr<IdAllocator> watch = ids;
  auto held = ids->count_port(std::make_shared<int>(1));
  ids.reset();
  EXPECT_FALSE(watch.expired());
  held.reset();
  EXPECT_TRUE(watch.expired());
}

}  // namespace
}  // namespace ddtr::engine
