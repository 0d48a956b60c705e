// Who is asking, as the daemon judges it: the peer's credentials read from the
// kernel when the connection was accepted (never what the client claims).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ddtr::policy {

// The uid of callers that have none (HTTP).
inline constexpr std::uint32_t kNoUid = 0xffffffff;

struct Identity {
  std::uint32_t uid = kNoUid;
  std::uint32_t gid = 0xffffffff;
  std::int32_t pid = 0;
  std::string user_name;                 // "uid:N" when the password database has none
  std::vector<std::uint32_t> groups;     // primary and supplementary gids of the peer process
  std::vector<std::string> group_names;  // the names of those that have one
};

}  // namespace ddtr::policy
