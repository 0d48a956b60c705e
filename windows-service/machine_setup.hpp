// What the MSI asks of the installed program and wixl cannot express in its
// tables (no util extension, no Environment element): `configure` after the
// service is registered, `unconfigure` before its files go. Both run as
// LocalSystem (deferred, no impersonation). Windows only.
#pragma once

#include <ostream>
#include <string>

namespace ddtr::winservice {

// The service's description, preshutdown timeout and recovery (restart after
// 5 s, then 30 s, then nothing; the count reset after a day); the data
// directory (%ProgramData%\Datadog\traceroute: the policy, the audit log)
// created if missing and ACL'd to SYSTEM and Administrators only, its files
// with it; `program_dir` on the system PATH. A service that cannot be opened
// is a line on `warnings`; the rest throws ddtr::Error.
void configure_machine(const std::string& service_name, const std::string& program_dir, std::ostream& warnings);

// `program_dir` off the system PATH. Throws ddtr::Error.
void unconfigure_machine(const std::string& program_dir);

// %ProgramData%\Datadog\traceroute (SHGetKnownFolderPath).
std::string data_directory();

}  // namespace ddtr::winservice
