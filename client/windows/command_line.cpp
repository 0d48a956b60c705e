#include "client/command_line.hpp"

#include <windows.h>
#include <shellapi.h>

#include "client/windows/utf16.hpp"

namespace ddtr::client {

std::vector<std::string> command_line_arguments(int argc, char** argv) {
  int count = 0;
  LPWSTR* wide = ::CommandLineToArgvW(::GetCommandLineW(), &count);
  if (wide == nullptr) {  // out of memory: the ANSI copy is better than nothing
    if (argc < 1) return {};
    return std::vector<std::string>(argv + 1, argv + argc);
  }
  std::vector<std::string> args;
  for (int i = 1; i < count; ++i) args.push_back(windows::utf8(wide[i]));
  ::LocalFree(wide);
  return args;
}

}  // namespace ddtr::client
