// UTF-8 (the project's strings: policy files, URLs, account names, the
// client's arguments) to and from UTF-16 (Win32's W functions). Windows only.
#pragma once

#include <string>
#include <string_view>

namespace ddtr::platform::windows {

std::wstring utf16(std::string_view text);
std::string utf8(std::wstring_view text);

}  // namespace ddtr::platform::windows
