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

}  // namespace
}  // namespace ddtr::engine
