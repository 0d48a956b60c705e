// macOS only: platform/local_address.hpp. The same UDP "dial" as
// platform/linux/local_address.cpp; BSD sockets take no SOCK_CLOEXEC flag
// (fcntl instead) and sockaddrs carry their length.
#include "platform/local_address.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "platform/linux/unique_fd.hpp"  // POSIX-only despite its folder
#include "shared/common/error.hpp"

namespace ddtr::platform {
namespace {

UniqueFd socket_cloexec(int family, int type) {
  UniqueFd fd(::socket(family, type, 0));
  if (!fd.valid()) {
    throw_errno(type == SOCK_DGRAM ? "failed to create UDP socket" : "failed to create TCP socket", errno);
  }
  if (::fcntl(fd.get(), F_SETFD, FD_CLOEXEC) != 0) throw_errno("fcntl(FD_CLOEXEC) failed", errno);
  return fd;
}

sockaddr_storage to_sockaddr(const Endpoint& e, socklen_t& length) {
  sockaddr_storage out{};
  if (e.address.is_v6()) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&out);
    sin6->sin6_len = sizeof *sin6;
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(e.port);
    auto bytes = e.address.to_v6().to_bytes();
    std::memcpy(&sin6->sin6_addr, bytes.data(), bytes.size());
    sin6->sin6_scope_id = static_cast<std::uint32_t>(e.address.to_v6().scope_id());
    length = sizeof *sin6;
  } else {
    auto* sin = reinterpret_cast<sockaddr_in*>(&out);
    sin->sin_len = sizeof *sin;
    sin->sin_family = AF_INET;
    sin->sin_port = htons(e.port);
    auto bytes = e.address.to_v4().to_bytes();
    std::memcpy(&sin->sin_addr, bytes.data(), bytes.size());
    length = sizeof *sin;
  }
  return out;
}

Endpoint socket_name(int fd) {
  sockaddr_storage local{};
  socklen_t local_length = sizeof local;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_length) != 0) {
    throw_errno("getsockname failed", errno);
  }
  if (local.ss_family == AF_INET6) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&local);
    boost::asio::ip::address_v6::bytes_type bytes;
    std::memcpy(bytes.data(), &sin6->sin6_addr, bytes.size());
    return {boost::asio::ip::address_v6(bytes, sin6->sin6_scope_id), ntohs(sin6->sin6_port)};
  }
  auto* sin = reinterpret_cast<sockaddr_in*>(&local);
  boost::asio::ip::address_v4::bytes_type bytes;
  std::memcpy(bytes.data(), &sin->sin_addr, bytes.size());
  return {boost::asio::ip::address_v4(bytes), ntohs(sin->sin_port)};
}

UniqueFd connected_udp_socket(const Endpoint& target) {
  UniqueFd fd = socket_cloexec(target.address.is_v6() ? AF_INET6 : AF_INET, SOCK_DGRAM);
  socklen_t length = 0;
  sockaddr_storage peer = to_sockaddr(target, length);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&peer), length) != 0) {
    throw_errno("failed to dial UDP " + target.address.to_string(), errno);
  }
  return fd;
}

class SocketPortReservation final : public PortReservation {
 public:
  explicit SocketPortReservation(UniqueFd fd) : fd_(std::move(fd)), local_(socket_name(fd_.get())) {}
  Endpoint local() const override { return local_; }

 private:
  UniqueFd fd_;
  Endpoint local_;
};

}  // namespace

Endpoint local_endpoint_for(const Endpoint& target) {
  Endpoint local = socket_name(connected_udp_socket(target).get());
  // Upstream (LocalAddrForHost): on macOS a dial to a loopback target may come
  // back with a non-loopback source; replies then go to lo0 with 127.0.0.1 or
  // ::1 as destination, so use that.
  if (target.address.is_loopback() && !local.address.is_loopback()) {
    local.address = target.address.is_v6() ? IpAddress(boost::asio::ip::address_v6::loopback())
                                           : IpAddress(boost::asio::ip::address_v4::loopback());
  }
  return local;
}

std::unique_ptr<PortReservation> reserve_udp_port(const Endpoint& target) {
  return std::make_unique<SocketPortReservation>(connected_udp_socket(target));
}

std::unique_ptr<PortReservation> reserve_tcp_port(const IpAddress& local) {
  UniqueFd fd = socket_cloexec(local.is_v6() ? AF_INET6 : AF_INET, SOCK_STREAM);
  socklen_t length = 0;
  sockaddr_storage address = to_sockaddr(Endpoint{local, 0}, length);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), length) != 0) {
    throw_errno("failed to reserve a TCP port on " + local.to_string(), errno);
  }
  return std::make_unique<SocketPortReservation>(std::move(fd));
}

}  // namespace ddtr::platform
