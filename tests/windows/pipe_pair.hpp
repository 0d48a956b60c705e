// A message-mode named pipe standing in for the ddnpm data handle: the client
// end is opened overlapped (as the driver source opens its handle), the
// server end writes one "driver read" per message. Windows only.
#pragma once

#include <windows.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "platform/windows/common/unique_handle.hpp"

namespace ddtr::testing_windows {

using platform::windows::UniqueHandle;

// Wine's ntdll exports wine_get_version; Windows' does not.
inline bool running_under_wine() {
  HMODULE ntdll = ::GetModuleHandleW(L"ntdll.dll");
  return ntdll != nullptr && ::GetProcAddress(ntdll, "wine_get_version") != nullptr;
}

// A service name no other run of these tests uses (wine reuses process ids).
inline std::string unique_service_name(const char* what) {
  static std::atomic<int> counter{0};
  return std::string("ddtr-") + what + "-" + std::to_string(::GetCurrentProcessId()) + "-" +
         std::to_string(::GetTickCount64()) + "-" + std::to_string(counter++);
}

inline std::wstring unique_pipe_name(const wchar_t* what) {
  static std::atomic<int> counter{0};
  return L"\\\\.\\pipe\\ddtr-test-" + std::wstring(what) + L"-" + std::to_wstring(::GetCurrentProcessId()) + L"-" +
         std::to_wstring(counter++);
}

struct PipePair {
  UniqueHandle server;  // synchronous writes
  UniqueHandle client;  // FILE_FLAG_OVERLAPPED unless asked otherwise

  static PipePair open(DWORD client_flags = FILE_FLAG_OVERLAPPED) {
    PipePair p;
    std::wstring name = unique_pipe_name(L"driver");
    p.server.reset(::CreateNamedPipeW(name.c_str(), PIPE_ACCESS_DUPLEX,
                                      PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT, 1, 1 << 20, 1 << 20, 0,
                                      nullptr));
    if (!p.server.valid()) return p;
    p.client.reset(::CreateFileW(name.c_str(), GENERIC_READ | GENERIC_WRITE, 0, nullptr, OPEN_EXISTING, client_flags,
                                 nullptr));
    if (!p.client.valid()) return p;
    DWORD mode = PIPE_READMODE_MESSAGE;
    ::SetNamedPipeHandleState(p.client.get(), &mode, nullptr, nullptr);
    ::ConnectNamedPipe(p.server.get(), nullptr);  // ERROR_PIPE_CONNECTED: the client is already there
    return p;
  }

  bool ok() const { return server.valid() && client.valid(); }

  bool write(const std::vector<std::uint8_t>& message) const {
    DWORD written = 0;
    return ::WriteFile(server.get(), message.data(), static_cast<DWORD>(message.size()), &written, nullptr) &&
           written == message.size();
  }
};

// One driver read: the 72-byte header, then the packet.
inline std::vector<std::uint8_t> driver_message(const std::vector<std::uint8_t>& packet, std::uint64_t timestamp_ns = 0) {
  std::vector<std::uint8_t> out(72 + packet.size(), 0);
  auto put = [&](std::size_t at, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) out[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
  };
  put(0, 0x0000DDFD00000018);
  put(8, 72);
  put(40, packet.size());
  put(48, 2);
  put(64, timestamp_ns);
  for (std::size_t i = 0; i < packet.size(); ++i) out[72 + i] = packet[i];
  return out;
}

inline std::vector<std::uint8_t> numbered(std::size_t size, std::uint8_t first) {
  std::vector<std::uint8_t> v(size);
  for (std::size_t i = 0; i < size; ++i) v[i] = static_cast<std::uint8_t>(first + i);
  return v;
}

}  // namespace ddtr::testing_windows
