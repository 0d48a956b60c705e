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

std::optional<std::string> environment_variable(const char* name) {
  std::wstring wide_name = windows::utf16(name);
  ::SetLastError(ERROR_SUCCESS);
  DWORD size = ::GetEnvironmentVariableW(wide_name.c_str(), nullptr, 0);
  if (size == 0) {  // unset, or (wine) set to "": only the error tells them apart
    if (::GetLastError() == ERROR_ENVVAR_NOT_FOUND) return std::nullopt;
    return std::string();
  }
  std::wstring value(size, L'\0');
  DWORD n = ::GetEnvironmentVariableW(wide_name.c_str(), value.data(), size);
  if (n == 0 || n >= size) return std::nullopt;  // changed or removed between the two calls
  value.resize(n);
  return windows::utf8(value);
}

}  // namespace ddtr::client
