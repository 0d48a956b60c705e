// macOS only: who is on the other end of a connected Unix socket.
#include "platform/peer_credentials.hpp"

#include <grp.h>         // getgrgid_r
#include <pwd.h>         // getpwuid_r
#include <sys/socket.h>  // getsockopt
#include <sys/ucred.h>   // struct xucred, XUCRED_VERSION
#include <sys/un.h>      // SOL_LOCAL, LOCAL_PEERCRED, LOCAL_PEERPID

#include <algorithm>
#include <array>
#include <cerrno>
#include <iterator>
#include <string>
#include <vector>

#include "shared/common/error.hpp"

namespace ddtr::platform {
namespace {

std::string group_name(gid_t gid) {
  group entry{};
  group* found = nullptr;
  std::vector<char> scratch(16384);
  if (::getgrgid_r(gid, &entry, scratch.data(), scratch.size(), &found) == 0 && found != nullptr) return found->gr_name;
  return {};
}

}  // namespace

PeerCredentials peer_credentials(int fd) {
  // LOCAL_PEERCRED: the peer's credentials as of connect(2) (uipc_usrreq.c
  // copies unp_peercred, taken at connect time), as Linux's SO_PEERCRED; what
  // policy decides on. getpeereid(3) is a wrapper of this that drops the groups.
  xucred cred{};
  socklen_t length = sizeof cred;
  if (::getsockopt(fd, SOL_LOCAL, LOCAL_PEERCRED, &cred, &length) != 0) {
    throw_errno("LOCAL_PEERCRED failed", errno);
  }
  if (cred.cr_version != XUCRED_VERSION || cred.cr_ngroups < 1) {
    throw Error(ErrorCode::Unknown, "LOCAL_PEERCRED returned an unexpected xucred");
  }
  // cr_groups[0] is the effective gid, as in a kernel ucred.
  PeerCredentials out;
  out.uid = cred.cr_uid;
  out.gid = cred.cr_groups[0];
  // The groups as of connect(2) too (at most NGROUPS, 16: the kernel keeps no
  // more in an xucred), primary first, as the Linux side's SO_PEERGROUPS.
  const int count = std::min<int>(cred.cr_ngroups, static_cast<int>(std::size(cred.cr_groups)));
  for (int i = 0; i < count; ++i) {
    if (std::find(out.groups.begin(), out.groups.end(), cred.cr_groups[i]) == out.groups.end()) {
      out.groups.push_back(cred.cr_groups[i]);
    }
  }
  for (gid_t gid : out.groups) {
    if (auto name = group_name(gid); !name.empty()) out.group_names.push_back(std::move(name));
  }
  // LOCAL_PEERPID: the last process that used the peer socket (so->last_pid),
  // which may differ from the one that connected if the descriptor was passed
  // on. Good for logs, not for decisions.
  pid_t pid = 0;
  socklen_t pid_length = sizeof pid;
  if (::getsockopt(fd, SOL_LOCAL, LOCAL_PEERPID, &pid, &pid_length) == 0) out.pid = pid;
  passwd entry{};
  passwd* found = nullptr;
  std::array<char, 4096> scratch{};
  if (::getpwuid_r(cred.cr_uid, &entry, scratch.data(), scratch.size(), &found) == 0 && found != nullptr) {
    out.user_name = found->pw_name;
  } else {
    out.user_name = "uid:" + std::to_string(cred.cr_uid);
  }
  return out;
}

}  // namespace ddtr::platform
