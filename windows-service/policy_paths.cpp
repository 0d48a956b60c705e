#include "windows-service/policy_paths.hpp"

#include <windows.h>

#include "platform/default_paths.hpp"

namespace ddtr::winservice {

std::string default_policy_path() {
  char buffer[MAX_PATH];
  DWORD n = ::GetEnvironmentVariableA("ProgramData", buffer, MAX_PATH);
  if (n == 0 || n >= MAX_PATH) return platform::kDefaultPolicyPath;
  return std::string(buffer, n) + "\\Datadog\\traceroute\\daemon.json";
}

}  // namespace ddtr::winservice
