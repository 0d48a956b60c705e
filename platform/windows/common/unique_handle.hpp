// The one owner of a Win32 HANDLE (CloseHandle) or a Winsock SOCKET
// (closesocket): released exactly once, movable, never copied. Windows only.
#pragma once

#include <winsock2.h>
#include <windows.h>

#include <utility>

namespace ddtr::platform::windows {

class UniqueHandle {
 public:
  UniqueHandle() = default;
  explicit UniqueHandle(HANDLE h) noexcept : h_(h) {}
  UniqueHandle(UniqueHandle&& other) noexcept : h_(std::exchange(other.h_, nullptr)) {}
  UniqueHandle& operator=(UniqueHandle&& other) noexcept {
    if (this != &other) reset(std::exchange(other.h_, nullptr));
    return *this;
  }
  UniqueHandle(const UniqueHandle&) = delete;
  UniqueHandle& operator=(const UniqueHandle&) = delete;
  ~UniqueHandle() { reset(); }

  HANDLE get() const noexcept { return h_; }
  // CreateFile answers INVALID_HANDLE_VALUE, most other calls NULL.
  bool valid() const noexcept { return h_ != nullptr && h_ != INVALID_HANDLE_VALUE; }
  HANDLE release() noexcept { return std::exchange(h_, nullptr); }
  // Closes the handle now; false (GetLastError set) when CloseHandle failed.
  bool close() noexcept {
    if (!valid()) {
      h_ = nullptr;
      return true;
    }
    bool ok = ::CloseHandle(std::exchange(h_, nullptr)) != 0;
    return ok;
  }
  void reset(HANDLE h = nullptr) noexcept {
    close();
    h_ = h;
  }

 private:
  HANDLE h_ = nullptr;
};

class UniqueSocket {
 public:
  UniqueSocket() = default;
  explicit UniqueSocket(SOCKET s) noexcept : s_(s) {}
  UniqueSocket(UniqueSocket&& other) noexcept : s_(std::exchange(other.s_, INVALID_SOCKET)) {}
  UniqueSocket& operator=(UniqueSocket&& other) noexcept {
    if (this != &other) reset(std::exchange(other.s_, INVALID_SOCKET));
    return *this;
  }
  UniqueSocket(const UniqueSocket&) = delete;
  UniqueSocket& operator=(const UniqueSocket&) = delete;
  ~UniqueSocket() { reset(); }

  SOCKET get() const noexcept { return s_; }
  bool valid() const noexcept { return s_ != INVALID_SOCKET; }
  SOCKET release() noexcept { return std::exchange(s_, INVALID_SOCKET); }
  void reset(SOCKET s = INVALID_SOCKET) noexcept {
    if (s_ != INVALID_SOCKET) ::closesocket(s_);
    s_ = s;
  }

 private:
  SOCKET s_ = INVALID_SOCKET;
};

}  // namespace ddtr::platform::windows
