// UTF-8 (the client's strings) to and from UTF-16 (Win32's W functions). Windows only.
#pragma once

#include <string>

namespace ddtr::client::windows {

std::wstring utf16(const std::string& text);
std::string utf8(const std::wstring& text);

// True for a local pipe name, \\.\pipe\NAME: the only thing --socket may open
// on Windows (CreateFileW would as happily open a file or a device).
bool is_local_pipe_name(const std::string& name);

}  // namespace ddtr::client::windows
