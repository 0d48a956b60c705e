#include "platform/default_paths.hpp"

#include "platform/windows/common/known_folder.hpp"

namespace ddtr::platform {

std::string default_policy_path() {
  return windows::program_data_directory() + "\\Datadog\\traceroute\\daemon.json";
}

std::string default_audit_log_path() {
  return windows::program_data_directory() + "\\Datadog\\traceroute\\audit.log";
}

}  // namespace ddtr::platform
