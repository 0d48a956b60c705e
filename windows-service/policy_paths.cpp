#include "windows-service/policy_paths.hpp"

#include "platform/default_paths.hpp"

namespace ddtr::winservice {

std::string default_policy_path() { return platform::default_policy_path(); }

}  // namespace ddtr::winservice
