// %ProgramData% as Windows itself says it (SHGetKnownFolderPath), not as the
// environment variable or a fixed C:\ProgramData: an install that moved it
// (or a process started with a trimmed environment, as a service can be) still
// finds the daemon's policy, audit log and log file. Windows only.
#pragma once

#include <string>

namespace ddtr::platform::windows {

// FOLDERID_ProgramData as UTF-8, without a trailing separator; C:\ProgramData
// when the shell cannot say (it always can on a supported Windows).
std::string program_data_directory();

}  // namespace ddtr::platform::windows
