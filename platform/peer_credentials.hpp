// Who is on the other end of a local stream socket.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace ddtr::platform {

struct PeerCredentials {
  uid_t uid = static_cast<uid_t>(-1);
  gid_t gid = static_cast<gid_t>(-1);
  pid_t pid = 0;
  std::string user_name;  // from the password database; "uid:N" when unknown
  std::vector<gid_t> groups;             // the peer process's own groups, primary first
  std::vector<std::string> group_names;  // names of those the group database knows
};

// SO_PEERCRED (and SO_PEERGROUPS: the groups the peer process really holds, not
// the ones /etc/group would give its user) on a connected Unix socket. Throws
// ddtr::Error on failure.
PeerCredentials peer_credentials(int fd);

}  // namespace ddtr::platform
