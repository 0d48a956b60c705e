// macOS only: platform/local_address.hpp. The same UDP "dial" as
// platform/linux/local_address.cpp; BSD sockets take no SOCK_CLOEXEC flag
// (fcntl instead). The sockaddrs (with their length byte) come from
// platform/sockaddr_endpoint.cpp.
#include "platform/local_address.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>

#include "platform/posix/unique_fd.hpp"
#include "platform/sockaddr_endpoint.hpp"
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

Endpoint socket_name(int fd) {
  sockaddr_storage local{};
  socklen_t local_length = sizeof local;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_length) != 0) {
    throw_errno("getsockname failed", errno);
  }
  return to_endpoint(local);
}

UniqueFd connected_udp_socket(const Endpoint& target) {
  UniqueFd fd = socket_cloexec(target.address.is_v6() ? AF_INET6 : AF_INET, SOCK_DGRAM);
  SocketAddress peer = to_socket_address(target);
  if (::connect(fd.get(), peer.get(), static_cast<socklen_t>(peer.length)) != 0) {
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
  SocketAddress address = to_socket_address(Endpoint{local, 0});
  if (::bind(fd.get(), address.get(), static_cast<socklen_t>(address.length)) != 0) {
    throw_errno("failed to reserve a TCP port on " + local.to_string(), errno);
  }
  return std::make_unique<SocketPortReservation>(std::move(fd));
}

}  // namespace ddtr::platform
