// Where the daemon's policy file and audit log live when nothing says
// otherwise. Windows: under %ProgramData% as SHGetKnownFolderPath says it
// (C:\ProgramData on a standard install, the constants below), resolved when
// asked (platform/windows/default_paths.cpp).
#pragma once

#include <string>

namespace ddtr::platform {

#ifdef _WIN32
inline constexpr const char* kDefaultPolicyPath = "C:\\ProgramData\\Datadog\\traceroute\\daemon.json";
inline constexpr const char* kDefaultAuditLogPath = "C:\\ProgramData\\Datadog\\traceroute\\audit.log";
// %ProgramData%\Datadog\traceroute\daemon.json and ...\audit.log.
std::string default_policy_path();
std::string default_audit_log_path();
#else
inline constexpr const char* kDefaultPolicyPath = "/etc/datadog-traceroute/daemon.json";
inline constexpr const char* kDefaultAuditLogPath = "/var/log/datadog-traceroute/audit.log";
inline std::string default_policy_path() { return kDefaultPolicyPath; }
inline std::string default_audit_log_path() { return kDefaultAuditLogPath; }
#endif

}  // namespace ddtr::platform
