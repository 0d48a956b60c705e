// The daemon's own identity and privileges: who it runs as, which capabilities
// it holds, and the drop a daemon started as root makes once its sockets are
// open (CAP_NET_RAW alone, then the service's user).
// linux/privilege_drop.cpp; privilege_drop_none.cpp on other OSes (nothing to
// drop: privilege_drop_supported() is false and the daemon logs that).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ddtr::platform {

inline constexpr std::uint32_t kUnknownUid = 0xffffffffu;

struct Account {
  std::string name;
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;  // the primary group
};

// The account called `name` (the password database); nullopt when none is.
std::optional<Account> find_account(const std::string& name);

struct ProcessPrivilege {
  std::uint32_t uid = kUnknownUid;  // the effective uid
  std::string user;                 // its name, or the number when it has none
  bool all_root = false;            // real, effective and saved uid all 0: it may switch users
  std::vector<std::string> effective_capabilities;  // names, e.g. "CAP_NET_RAW"
};

ProcessPrivilege current_privilege();

bool privilege_drop_supported();

// Keeps CAP_NET_RAW alone: the bounding set loses every other capability, the
// effective and permitted sets hold CAP_NET_RAW only, the inheritable and
// ambient sets are emptied, and no_new_privs is set. When `account` is not
// uid 0 the process becomes it (its groups from the group database, then its
// gid and uid), keeping CAP_NET_RAW across the switch. Must run before any
// thread starts (capabilities are per thread; later threads inherit them).
// Throws ddtr::Error naming the step that failed; checks the result.
ProcessPrivilege drop_privileges(const Account& account);

// Creates `dir` (and missing parents) when it does not exist, `mode`, the leaf
// owned by `owner`: what the daemon creates before it drops root must stay
// usable by the user it becomes (rotating the audit log, removing the socket).
// An existing directory is left as it is. Throws ddtr::Error.
void create_directory_for(const std::string& dir, unsigned mode, const Account& owner);

}  // namespace ddtr::platform
