// The audit log's file: opened for appending only, created private to the
// daemon when missing (POSIX: file 0640 in a 0750 directory; Windows: SYSTEM
// and Administrators only, protected from inherited entries), one write per
// line so concurrent appenders never interleave inside a line.
// posix/append_file.cpp or windows/append_file.cpp.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ddtr::platform {

class AppendFile {
 public:
  AppendFile() = default;
  // Throws ddtr::Error ("cannot open the audit log <path>: <reason>", or
  // "cannot create the audit log directory ..."). POSIX refuses what is not
  // a plain file of the daemon's (or root's) that only its owner may write:
  // a symbolic link (O_NOFOLLOW), a hard link, a device or FIFO, a file of
  // another user, a group- or world-writable one.
  static AppendFile open(const std::string& path);

  AppendFile(AppendFile&& other) noexcept;
  AppendFile& operator=(AppendFile&& other) noexcept;
  AppendFile(const AppendFile&) = delete;
  AppendFile& operator=(const AppendFile&) = delete;
  ~AppendFile();

  bool valid() const noexcept;
  // Writes all of `data` in one call; false with `error` set otherwise.
  bool append(std::string_view data, std::string& error);

 private:
  void close() noexcept;
  std::intptr_t handle_ = -1;  // an fd, or a HANDLE
};

}  // namespace ddtr::platform
