#include "daemon/rpc/listener_socket.hpp"

#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "platform/posix/unix_stream_socket.hpp"
#include "shared/common/error.hpp"

namespace ddtr::rpcserver {
namespace {

sockaddr_un unix_address(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof address.sun_path) {
    throw Error(ErrorCode::InvalidRequest, "socket path must be 1.." + std::to_string(sizeof address.sun_path - 1) +
                                               " bytes long: \"" + path + "\"");
  }
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  return address;
}

bool someone_listens(const sockaddr_un& address) {
  platform::UniqueFd probe = platform::unix_stream_socket(false);
  if (!probe.valid()) return false;
  return ::connect(probe.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
}

}  // namespace

platform::UniqueFd open_listener_socket(const std::string& path, const SocketAccess& access) {
  sockaddr_un address = unix_address(path);
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty() && !std::filesystem::exists(parent)) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) throw Error(ErrorCode::Unknown, "cannot create " + parent.string() + ": " + ec.message());
    ::chmod(parent.c_str(), 0755);
  }
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      throw Error(ErrorCode::Unknown, path + " exists and is not a socket; refusing to replace it");
    }
    if (someone_listens(address)) {
      throw Error(ErrorCode::Unknown, "another daemon is already listening on " + path);
    }
    ::unlink(path.c_str());
  }
  platform::UniqueFd fd = platform::unix_stream_socket(true);
  if (!fd.valid()) throw_errno("cannot create the daemon socket", errno);
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    throw_errno("cannot bind " + path, errno);
  }
  if (!access.group.empty()) {
    group entry{};
    group* found = nullptr;
    std::vector<char> scratch(16384);
    if (::getgrnam_r(access.group.c_str(), &entry, scratch.data(), scratch.size(), &found) != 0 || found == nullptr) {
      throw Error(ErrorCode::InvalidRequest, "socket.group: no group named \"" + access.group + "\"");
    }
    if (::chown(path.c_str(), static_cast<uid_t>(-1), found->gr_gid) != 0) throw_errno("cannot chgrp " + path, errno);
  }
  // By default any local user may connect; the daemon judges every request itself.
  if (::chmod(path.c_str(), static_cast<mode_t>(access.mode)) != 0) throw_errno("cannot chmod " + path, errno);
  if (::listen(fd.get(), 128) != 0) throw_errno("cannot listen on " + path, errno);
  return fd;
}

}  // namespace ddtr::rpcserver
