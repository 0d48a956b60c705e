// The program's arguments and environment as UTF-8. POSIX passes their bytes
// through; Windows hands main() and getenv() the ANSI code page (a name
// outside it comes out as '?'), so they are read again as UTF-16 (posix/, windows/).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace ddtr::client {

// Without argv[0].
std::vector<std::string> command_line_arguments(int argc, char** argv);

// The variable's value (DD_TRACEROUTE_SOCKET), or nothing when it is not set.
std::optional<std::string> environment_variable(const char* name);

}  // namespace ddtr::client
