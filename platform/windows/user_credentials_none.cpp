// Windows: HTTP callers are never placed by uid (socket_owner_none), so no
// uid reaches here; the HTTP code links it all the same.
#include "platform/user_credentials.hpp"

#include <string>

namespace ddtr::platform {

PeerCredentials user_credentials(std::uint32_t uid) {
  PeerCredentials c;
  c.uid = static_cast<uid_t>(uid);
  c.user_name = "uid:" + std::to_string(uid);
  return c;
}

}  // namespace ddtr::platform
