// A pipe client's identity in the policy's terms, so Windows callers are
// judged by the same rules as Unix ones: no uid (kNoUid), the token's user SID
// as the user name and its group SIDs as group names (policy files name
// Windows principals by SID: stable, unambiguous, never localised).
#pragma once

#include "daemon/policy/identity.hpp"
#include "platform/windows/pipe/pipe_identity.hpp"

namespace ddtr::winservice {

policy::Identity policy_identity(const platform::windows::pipe::PipeClientIdentity& client);

}  // namespace ddtr::winservice
