// Where the Windows daemon's policy file is when --config does not say:
// %ProgramData%\Datadog\traceroute\daemon.json (the Agent's tree; the policy's
// audit log defaults beside it). Windows only.
#pragma once

#include <string>

namespace ddtr::winservice {

std::string default_policy_path();

}  // namespace ddtr::winservice
