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
  // Windows callers (no uid): user_name and group_names hold SIDs, which the
  // policy file names; `account` is "DOMAIN\\user" for people to read (audit,
  // info), and `os_admin` marks SYSTEM and elevated Administrators, who get
  // the admin role as root does on Unix.
  std::string account;
  bool os_admin = false;
};

// The key per-user limits (admission, connection counts) file a local caller
// under: its uid; a caller without one (Windows) by its user SID, hashed to a
// key above every uid and every HTTP principal's (gateway::http_principal_key).
inline std::uint64_t principal_key(const Identity& who) {
  if (who.uid != kNoUid) return who.uid;
  // FNV-1a 64: stable across restarts and reloads.
  std::uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : who.user_name) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return (std::uint64_t{1} << 63) | (hash >> 1);
}

}  // namespace ddtr::policy
