#include "client/daemon_endpoint.hpp"

#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>

#include "client/remote_error.hpp"
#include "platform/posix/unique_fd.hpp"
#include "platform/posix/unix_stream_socket.hpp"

namespace ddtr::client {

std::optional<Error> unread_refusal(kj::AsyncIoStream& stream) {
  int fd = -1;
  KJ_IF_MAYBE (f, stream.getFd()) { fd = *f; }
  if (fd < 0) return std::nullopt;
  capnp::word buffer[512];  // an Abort is a few hundred bytes
  ssize_t n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
  if (n <= 0) return std::nullopt;
  return refusal_in(kj::arrayPtr(buffer, static_cast<std::size_t>(n) / sizeof(capnp::word)));
}

Error daemon_unavailable(const std::string& endpoint, const std::string& why) {
  return Error(ErrorCode::DaemonUnavailable,
               "cannot reach the traceroute daemon at " + endpoint + ": " + why +
                   " (start it with 'sudo datadog-tracerouted --foreground' or "
                   "'systemctl start datadog-tracerouted.socket'; use --socket PATH or DD_TRACEROUTE_SOCKET "
                   "for another socket)");
}

kj::Own<kj::AsyncIoStream> connect_daemon(kj::AsyncIoContext& io, const std::string& endpoint) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (endpoint.empty() || endpoint.size() >= sizeof address.sun_path) {
    throw daemon_unavailable(endpoint, "socket path too long");
  }
  std::memcpy(address.sun_path, endpoint.c_str(), endpoint.size() + 1);
  platform::UniqueFd fd = platform::unix_stream_socket(false);
  if (!fd.valid()) throw daemon_unavailable(endpoint, std::strerror(errno));
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    throw daemon_unavailable(endpoint, std::strerror(errno));
  }
  return io.lowLevelProvider->wrapSocketFd(
      fd.release(), kj::LowLevelAsyncIoProvider::TAKE_OWNERSHIP | kj::LowLevelAsyncIoProvider::ALREADY_CLOEXEC);
}

}  // namespace ddtr::client
