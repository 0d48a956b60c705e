// The client's Windows string helpers. Windows only.
#pragma once

#include <string>

#include "platform/windows/common/utf16.hpp"

namespace ddtr::client::windows {

using platform::windows::utf16;  // UTF-8 <-> UTF-16, shared with the daemon
using platform::windows::utf8;

// True for a local pipe name, \\.\pipe\NAME: the only thing --socket may open
// on Windows (CreateFileW would as happily open a file or a device).
bool is_local_pipe_name(const std::string& name);

}  // namespace ddtr::client::windows
