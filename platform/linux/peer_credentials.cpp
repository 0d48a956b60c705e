#include "platform/peer_credentials.hpp"

#include <grp.h>
#include <pwd.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <vector>

#include "shared/common/error.hpp"

namespace ddtr::platform {
namespace {

std::vector<gid_t> peer_groups(int fd) {
  std::vector<gid_t> groups(64);
  for (int attempt = 0; attempt < 4; ++attempt) {
    socklen_t length = static_cast<socklen_t>(groups.size() * sizeof(gid_t));
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups.data(), &length) == 0) {
      groups.resize(length / sizeof(gid_t));
      return groups;
    }
    if (errno != ERANGE) throw_errno("SO_PEERGROUPS failed", errno);
    groups.resize(length / sizeof(gid_t) + 1);  // the kernel told us how many
  }
  throw_errno("SO_PEERGROUPS failed", ERANGE);
}

std::string group_name(gid_t gid) {
  group entry{};
  group* found = nullptr;
  std::vector<char> scratch(16384);
  if (::getgrgid_r(gid, &entry, scratch.data(), scratch.size(), &found) == 0 && found != nullptr) {
    return found->gr_name;
  }
  return "";
}

}  // namespace

PeerCredentials peer_credentials(int fd) {
  ucred cred{};
  socklen_t length = sizeof cred;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &length) != 0) {
    throw_errno("SO_PEERCRED failed", errno);
  }
  PeerCredentials out{cred.uid, cred.gid, cred.pid, {}, {}, {}};
  passwd entry{};
  passwd* found = nullptr;
  std::array<char, 4096> scratch{};
  if (::getpwuid_r(cred.uid, &entry, scratch.data(), scratch.size(), &found) == 0 && found != nullptr) {
    out.user_name = found->pw_name;
  } else {
    out.user_name = "uid:" + std::to_string(cred.uid);
  }
  out.groups.push_back(cred.gid);
  for (gid_t gid : peer_groups(fd)) {
    if (std::find(out.groups.begin(), out.groups.end(), gid) == out.groups.end()) out.groups.push_back(gid);
  }
  for (gid_t gid : out.groups) {
    if (auto name = group_name(gid); !name.empty()) out.group_names.push_back(std::move(name));
  }
  return out;
}

}  // namespace ddtr::platform
