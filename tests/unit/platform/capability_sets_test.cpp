#include "platform/capability_sets.hpp"

#include <gtest/gtest.h>

namespace ddtr::platform {
namespace {

constexpr std::uint64_t bit(int n) { return std::uint64_t{1} << n; }
constexpr std::uint64_t kAll41 = (std::uint64_t{1} << 41) - 1;  // CAP_CHOWN..CAP_CHECKPOINT_RESTORE

TEST(CapabilitySets, Names) {
  EXPECT_EQ(capability_name(13), "CAP_NET_RAW");
  EXPECT_EQ(capability_name(0), "CAP_CHOWN");
  EXPECT_EQ(capability_name(40), "CAP_CHECKPOINT_RESTORE");
  EXPECT_EQ(capability_name(45), "CAP_45");
  EXPECT_EQ(capability_names(kNetRawOnly), std::vector<std::string>{"CAP_NET_RAW"});
  EXPECT_EQ(capability_names(bit(12) | bit(13)), (std::vector<std::string>{"CAP_NET_ADMIN", "CAP_NET_RAW"}));
  EXPECT_TRUE(capability_names(0).empty());
  EXPECT_EQ(capability_names(kAll41).size(), 41u);
}

TEST(CapabilitySets, RootDropsEverythingButNetRaw) {
  CapabilitySets root{kAll41, kAll41, 0, kAll41, 0};
  auto drop = plan_capability_drop(root, 40, true);
  EXPECT_EQ(drop.bounding_to_drop.size(), 40u);
  for (int cap : drop.bounding_to_drop) EXPECT_NE(cap, kCapNetRaw);
  EXPECT_TRUE(drop.set_sets);
  EXPECT_FALSE(drop.clear_ambient);
  EXPECT_FALSE(holds_net_raw_alone(root));
}

TEST(CapabilitySets, AContainersReducedSetNeedsNoBoundingDrop) {
  // docker --cap-drop ALL --cap-add NET_RAW: only capset is left to do (no CAP_SETPCAP needed).
  CapabilitySets container{kNetRawOnly, kNetRawOnly, kNetRawOnly, kNetRawOnly, 0};
  auto drop = plan_capability_drop(container, 40, false);
  EXPECT_TRUE(drop.bounding_to_drop.empty());
  EXPECT_TRUE(drop.set_sets);  // the inheritable set still holds CAP_NET_RAW
}

TEST(CapabilitySets, TheGoalNeedsNothing) {
  CapabilitySets goal{kNetRawOnly, kNetRawOnly, 0, kNetRawOnly, 0};
  EXPECT_TRUE(holds_net_raw_alone(goal));
  auto drop = plan_capability_drop(goal, 40, false);
  EXPECT_TRUE(drop.bounding_to_drop.empty());
  EXPECT_FALSE(drop.set_sets);
  EXPECT_FALSE(drop.clear_ambient);
  // A switch of user always ends with capset: the switch empties the effective set.
  EXPECT_TRUE(plan_capability_drop(goal, 40, true).set_sets);
}

TEST(CapabilitySets, AmbientCapabilitiesAreCleared) {
  CapabilitySets ambient{kNetRawOnly, kNetRawOnly, kNetRawOnly, kNetRawOnly, kNetRawOnly};
  EXPECT_FALSE(holds_net_raw_alone(ambient));
  EXPECT_TRUE(plan_capability_drop(ambient, 40, false).clear_ambient);
}

TEST(CapabilitySets, BitsPastTheKernelsLastAreLeftAlone) {
  CapabilitySets odd{0, 0, 0, kAll41 | bit(50), 0};
  auto drop = plan_capability_drop(odd, 40, false);
  EXPECT_EQ(drop.bounding_to_drop.back(), 40);
}

}  // namespace
}  // namespace ddtr::platform
