// Where the daemon's policy file and audit log live when nothing says
// otherwise. Windows: under %ProgramData% (C:\ProgramData on every standard
// install; the Windows daemon resolves the variable at start for its policy
// file, see windows-service/policy_paths).
#pragma once

namespace ddtr::platform {

#ifdef _WIN32
inline constexpr const char* kDefaultPolicyPath = "C:\\ProgramData\\Datadog\\traceroute\\daemon.json";
inline constexpr const char* kDefaultAuditLogPath = "C:\\ProgramData\\Datadog\\traceroute\\audit.log";
#else
inline constexpr const char* kDefaultPolicyPath = "/etc/datadog-traceroute/daemon.json";
inline constexpr const char* kDefaultAuditLogPath = "/var/log/datadog-traceroute/audit.log";
#endif

}  // namespace ddtr::platform
