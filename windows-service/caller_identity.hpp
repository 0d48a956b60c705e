// A pipe client's identity in the policy's terms, so Windows callers are
// judged by the same rules as Unix ones: no uid (kNoUid), the token's user SID
// as the user name and its group SIDs as group names (policy files name
// Windows principals by SID: stable, unambiguous, never localised), the
// account name beside them for people, and the admin role for SYSTEM and
// elevated Administrators as for root. Per-user limits key the caller by its
// SID (policy::principal_key).
#pragma once

#include <string>
#include <vector>

#include "daemon/policy/identity.hpp"
#include "platform/windows/pipe/pipe_identity.hpp"

namespace ddtr::winservice {

inline constexpr const char* kLocalSystemSid = "S-1-5-18";
inline constexpr const char* kAdministratorsSid = "S-1-5-32-544";  // BUILTIN\Administrators

policy::Identity policy_identity(const platform::windows::pipe::PipeClientIdentity& client);

// SYSTEM, or a token in which Administrators is enabled: an elevated one (a
// UAC-filtered token lists Administrators as deny-only, which the pipe's
// identity leaves out, so a non-elevated administrator is an ordinary user).
bool is_os_admin(const std::string& user_sid, const std::vector<std::string>& enabled_group_sids);

}  // namespace ddtr::winservice
