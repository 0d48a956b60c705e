// The program's arguments as UTF-8, without argv[0]. POSIX passes argv's
// bytes through; Windows hands main() its arguments in the ANSI code page, so
// they are read again as UTF-16 from the process's command line (posix/, windows/).
#pragma once

#include <string>
#include <vector>

namespace ddtr::client {

std::vector<std::string> command_line_arguments(int argc, char** argv);

}  // namespace ddtr::client
