// On Windows the raw sockets and the driver's handles need an elevated
// (Administrator or SYSTEM) token: that is what has_cap_net_raw() means here.
#include "platform/capabilities.hpp"

#include <windows.h>

#include "platform/windows/common/unique_handle.hpp"

namespace ddtr::platform {

bool has_cap_net_raw() {
  HANDLE token = nullptr;
  if (!::OpenProcessToken(::GetCurrentProcess(), TOKEN_QUERY, &token)) return false;
  windows::UniqueHandle owned(token);
  TOKEN_ELEVATION elevation{};
  DWORD length = 0;
  if (!::GetTokenInformation(token, TokenElevation, &elevation, sizeof elevation, &length)) return false;
  return elevation.TokenIsElevated != 0;
}

}  // namespace ddtr::platform
