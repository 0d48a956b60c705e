#include "daemon/service/systemd_socket.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <systemd/sd-daemon.h>

#include <cerrno>
#include <cstring>

#include "shared/common/error.hpp"

namespace ddtr::service {
namespace {

std::string bound_path(int fd) {
  sockaddr_un address{};
  socklen_t length = sizeof address;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return "(unknown)";
  std::size_t name_length = length > offsetof(sockaddr_un, sun_path) ? length - offsetof(sockaddr_un, sun_path) : 0;
  if (name_length == 0) return "(unnamed)";
  if (address.sun_path[0] == '\0') {  // abstract; appended, not `"@" + ...`, which trips GCC 12's -Wrestrict
    std::string name(1, '@');
    name.append(address.sun_path + 1, name_length - 1);
    return name;
  }
  return std::string(address.sun_path, ::strnlen(address.sun_path, name_length));
}

}  // namespace

std::optional<InheritedSocket> inherited_listen_socket() {
  // unset_environment=1: the variables describe this process only; nothing
  // later (or a child) must take them for its own.
  int count = ::sd_listen_fds(1);
  if (count < 0) throw_errno("cannot read the sockets passed by systemd (LISTEN_FDS)", -count);
  if (count == 0) return std::nullopt;
  if (count > 1) {
    throw Error(ErrorCode::Unknown, "systemd passed " + std::to_string(count) +
                                        " sockets, the daemon serves exactly one: give datadog-tracerouted.socket "
                                        "a single ListenStream= with a socket path");
  }
  int fd = SD_LISTEN_FDS_START;
  // Owned from here on, so an error below closes it.
  platform::UniqueFd owned(fd);
  int is_unix = ::sd_is_socket_unix(fd, SOCK_STREAM, 1, nullptr, 0);
  if (is_unix < 0) throw_errno("cannot inspect the socket passed by systemd (fd 3)", -is_unix);
  if (is_unix == 0) {
    throw Error(ErrorCode::Unknown,
                "systemd passed fd 3, which is not a listening AF_UNIX stream socket: "
                "datadog-tracerouted.socket must use ListenStream= with a socket path");
  }
  // The RPC loop expects a non-blocking, close-on-exec socket, and systemd
  // passes a blocking one.
  int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) {
    throw_errno("cannot make the socket passed by systemd non-blocking", errno);
  }
  if (::fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) throw_errno("cannot set close-on-exec on the socket passed by systemd", errno);
  return InheritedSocket{std::move(owned), bound_path(fd)};
}

}  // namespace ddtr::service
