#include "platform/peer_credentials.hpp"

#include <pwd.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>

#include "shared/common/error.hpp"

namespace ddtr::platform {

PeerCredentials peer_credentials(int fd) {
  ucred cred{};
  socklen_t length = sizeof cred;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &length) != 0) {
    throw_errno("SO_PEERCRED failed", errno);
  }
  PeerCredentials out{cred.uid, cred.gid, cred.pid, {}};
  passwd entry{};
  passwd* found = nullptr;
  std::array<char, 4096> scratch{};
  if (::getpwuid_r(cred.uid, &entry, scratch.data(), scratch.size(), &found) == 0 && found != nullptr) {
    out.user_name = found->pw_name;
  } else {
    out.user_name = "uid:" + std::to_string(cred.uid);
  }
  return out;
}

}  // namespace ddtr::platform
