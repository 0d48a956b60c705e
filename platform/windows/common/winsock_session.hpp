// WSAStartup/WSACleanup held by the object that uses Winsock, not by a process
// global: Winsock counts the calls itself. Windows only.
#pragma once

#include <winsock2.h>

#include "platform/windows/common/win_error.hpp"

namespace ddtr::platform::windows {

class WinsockSession {
 public:
  WinsockSession() {
    WSADATA data{};
    int rc = ::WSAStartup(MAKEWORD(2, 2), &data);
    if (rc != 0) throw_win32("WSAStartup failed", static_cast<std::uint32_t>(rc));
  }
  WinsockSession(const WinsockSession&) : WinsockSession() {}
  WinsockSession& operator=(const WinsockSession&) { return *this; }
  ~WinsockSession() { ::WSACleanup(); }
};

}  // namespace ddtr::platform::windows
