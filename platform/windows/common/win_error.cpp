#include "platform/windows/common/win_error.hpp"

#include <winsock2.h>
#include <windows.h>

#include "shared/common/error.hpp"

namespace ddtr::platform::windows {
namespace {

ErrorCode code_of(std::uint32_t error) {
  switch (error) {
    case WSAECONNREFUSED: return ErrorCode::ConnRefused;
    case WSAEHOSTUNREACH: return ErrorCode::HostUnreach;
    case WSAENETUNREACH: return ErrorCode::NetUnreach;
    case WSAETIMEDOUT:
    case WAIT_TIMEOUT: return ErrorCode::Timeout;
    case WSAEACCES:
    case ERROR_ACCESS_DENIED: return ErrorCode::Denied;
    default: return ErrorCode::Unknown;
  }
}

}  // namespace

std::string system_message(std::uint32_t error) {
  char* text = nullptr;
  DWORD n = ::FormatMessageA(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
                             nullptr, error, MAKELANGID(LANG_ENGLISH, SUBLANG_ENGLISH_US),
                             reinterpret_cast<char*>(&text), 0, nullptr);
  std::string message = n != 0 && text != nullptr ? std::string(text, n) : std::string();
  if (text != nullptr) ::LocalFree(text);
  // As Go's Errno.Error(): the line ends go, the full stop stays.
  while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) message.pop_back();
  if (message.empty()) message = "error " + std::to_string(error);
  return message;
}

void throw_win32(std::string_view what, std::uint32_t error) {
  throw Error(code_of(error), std::string(what) + ": " + system_message(error));
}

void throw_last_error(std::string_view what) { throw_win32(what, ::GetLastError()); }
void throw_last_wsa_error(std::string_view what) { throw_win32(what, static_cast<std::uint32_t>(::WSAGetLastError())); }

}  // namespace ddtr::platform::windows
