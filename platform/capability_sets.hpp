// Linux capability sets as bit masks, their names, and what it takes to bring
// them down to CAP_NET_RAW alone. Plain code (no OS header): it builds and is
// tested everywhere; linux/privilege_drop.cpp reads and applies them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ddtr::platform {

inline constexpr int kCapNetRaw = 13;  // <linux/capability.h>'s CAP_NET_RAW
inline constexpr std::uint64_t kNetRawOnly = std::uint64_t{1} << kCapNetRaw;

struct CapabilitySets {
  std::uint64_t effective = 0;
  std::uint64_t permitted = 0;
  std::uint64_t inheritable = 0;
  std::uint64_t bounding = 0;
  std::uint64_t ambient = 0;
};

// "CAP_NET_RAW"; "CAP_<n>" for a bit this table does not know (a newer kernel's).
std::string capability_name(int bit);
// The names of the bits set in `mask`, lowest first.
std::vector<std::string> capability_names(std::uint64_t mask);

// The daemon's goal: CAP_NET_RAW alone in the effective, permitted and
// bounding sets, nothing inheritable or ambient (it never executes anything).
bool holds_net_raw_alone(const CapabilitySets& sets);

// The steps from `now` to the goal. Dropping from the bounding set needs
// CAP_SETPCAP, so it comes before the switch of user (which empties the
// effective set); capset then sets effective = permitted = CAP_NET_RAW.
struct CapabilityDrop {
  std::vector<int> bounding_to_drop;  // capabilities 0..last_cap still in the bounding set, CAP_NET_RAW excepted
  bool set_sets = false;              // capset needed (always after a switch of user)
  bool clear_ambient = false;
};
CapabilityDrop plan_capability_drop(const CapabilitySets& now, int last_cap, bool switching_user);

}  // namespace ddtr::platform
