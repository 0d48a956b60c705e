// Win32 and Winsock errors as the project's typed errors: "<what>: <system
// message>" with the Go tool's error code for the errors it classifies.
// Windows only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ddtr::platform::windows {

// The system's text for an error number (FormatMessage), without the trailing
// newline; "error N" when the system has none.
std::string system_message(std::uint32_t error);

// Throws ddtr::Error("<what>: <message>"). Winsock's WSAECONNREFUSED,
// WSAEHOSTUNREACH, WSAENETUNREACH, WSAETIMEDOUT and access denials map to the
// codes their POSIX twins get on Linux.
[[noreturn]] void throw_win32(std::string_view what, std::uint32_t error);

// throw_win32(what, GetLastError()) / (what, WSAGetLastError()).
[[noreturn]] void throw_last_error(std::string_view what);
[[noreturn]] void throw_last_wsa_error(std::string_view what);

}  // namespace ddtr::platform::windows
