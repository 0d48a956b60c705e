#include "platform/append_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <utility>

#include "shared/common/error.hpp"

namespace ddtr::platform {

namespace {

std::string octal(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

// What the daemon will append to must be a plain file of its own: a symbolic
// or hard link (planted by whoever may write the directory) could point its
// writes at another file; one others may write could be forged.
std::string refusal(const struct stat& st) {
  if (!S_ISREG(st.st_mode)) return "is not a regular file";
  if (st.st_nlink > 1) return "has " + std::to_string(st.st_nlink) + " hard links";
  uid_t self = ::geteuid();
  if (st.st_uid != 0 && st.st_uid != self) {
    return "is owned by uid " + std::to_string(st.st_uid) + ", neither the daemon's (uid " + std::to_string(self) +
           ") nor root";
  }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) return "is writable by its group or others (mode " + octal(st.st_mode) + ")";
  return "";
}

}  // namespace

AppendFile AppendFile::open(const std::string& path) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty() && !std::filesystem::exists(parent, ec)) {
    std::filesystem::create_directories(parent, ec);
    if (ec) throw Error(ErrorCode::Unknown, "cannot create the audit log directory " + parent.string() + ": " + ec.message());
    ::chmod(parent.c_str(), 0750);
  }
  // O_NOFOLLOW: a symbolic link is refused, not followed. O_NONBLOCK: a FIFO
  // planted there must not hang the open (it is refused just below).
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK, 0640);
  if (fd < 0 && errno == ELOOP) {
    throw Error(ErrorCode::Unknown, "cannot open the audit log " + path + ": it is a symbolic link (refused)");
  }
  if (fd < 0 && errno == EACCES) {
    // After the privilege drop no capability overrides file modes, not even for uid 0.
    throw Error(ErrorCode::Unknown, "cannot open the audit log " + path + ": " + std::strerror(EACCES) +
                                        " (the daemon runs as uid " + std::to_string(::geteuid()) +
                                        " with no capability over files: the log and its directory must be open to it)");
  }
  if (fd < 0) throw Error(ErrorCode::Unknown, "cannot open the audit log " + path + ": " + std::strerror(errno));
  AppendFile file;
  file.handle_ = fd;  // closed by `file` on every throw below
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    throw Error(ErrorCode::Unknown, "cannot open the audit log " + path + ": fstat: " + std::strerror(errno));
  }
  if (std::string why = refusal(st); !why.empty()) {
    throw Error(ErrorCode::Unknown, "cannot open the audit log " + path + ": it " + why + " (refused)");
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);  // blocking writes again: one whole line per write(2)
  return file;
}

AppendFile::AppendFile(AppendFile&& other) noexcept : handle_(std::exchange(other.handle_, -1)) {}

AppendFile& AppendFile::operator=(AppendFile&& other) noexcept {
  if (this != &other) {
    close();
    handle_ = std::exchange(other.handle_, -1);
  }
  return *this;
}

AppendFile::~AppendFile() { close(); }

void AppendFile::close() noexcept {
  if (handle_ >= 0) ::close(static_cast<int>(handle_));
  handle_ = -1;
}

bool AppendFile::valid() const noexcept { return handle_ >= 0; }

bool AppendFile::append(std::string_view data, std::string& error) {
  // One write(2) per line: O_APPEND keeps lines whole even if the file is shared.
  ssize_t written = ::write(static_cast<int>(handle_), data.data(), data.size());
  if (written == static_cast<ssize_t>(data.size())) return true;
  error = std::strerror(written < 0 ? errno : ENOSPC);
  return false;
}

}  // namespace ddtr::platform
