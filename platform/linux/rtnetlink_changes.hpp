// Which rtnetlink notifications mean "the network changed" for the caches: an
// address removed, an address not seen before, a default route of the main
// table added or removed. An address announced again is no change (IPv6
// re-announces its addresses whenever their lifetimes are refreshed). Plain
// code on bytes, so it is unit-tested without a socket.
#pragma once

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

namespace ddtr::platform {

class RtnetlinkChanges {
 public:
  // One datagram of netlink messages; "" when it holds no change, otherwise
  // what changed (for the log). Truncated or malformed messages are skipped.
  std::string feed(const std::uint8_t* data, std::size_t size);

 private:
  std::set<std::string> addresses_;  // interface, family, prefix, address bytes
};

}  // namespace ddtr::platform
