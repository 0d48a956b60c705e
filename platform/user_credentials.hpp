// What the user and group databases say of a uid: its name, primary group and
// groups. For callers known only by their uid (HTTP over loopback), where no
// SO_PEERGROUPS can tell the groups the calling process really holds.
#pragma once

#include <cstdint>

#include "platform/peer_credentials.hpp"

namespace ddtr::platform {

// pid is 0. Without a password database entry: user_name "uid:N", no gid
// and no groups. Never throws.
PeerCredentials user_credentials(std::uint32_t uid);

}  // namespace ddtr::platform
