#include "platform/append_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include "shared/common/error.hpp"

namespace ddtr::platform {

AppendFile AppendFile::open(const std::string& path) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty() && !std::filesystem::exists(parent, ec)) {
    std::filesystem::create_directories(parent, ec);
    if (ec) throw Error(ErrorCode::Unknown, "cannot create the audit log directory " + parent.string() + ": " + ec.message());
    ::chmod(parent.c_str(), 0750);
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
  if (fd < 0) throw Error(ErrorCode::Unknown, "cannot open the audit log " + path + ": " + std::strerror(errno));
  AppendFile file;
  file.handle_ = fd;
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
