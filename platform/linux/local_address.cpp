#include "platform/local_address.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "platform/linux/unique_fd.hpp"
#include "shared/common/error.hpp"

namespace ddtr::platform {
namespace {

sockaddr_storage to_sockaddr(const Endpoint& e, socklen_t& length);

UniqueFd connected_udp_socket(const Endpoint& target) {
  bool v6 = target.address.is_v6();
  UniqueFd fd(::socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) throw_errno("failed to create UDP socket", errno);
  socklen_t length = 0;
  sockaddr_storage peer = to_sockaddr(target, length);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&peer), length) != 0) {
    throw_errno("failed to dial UDP " + target.address.to_string(), errno);
  }
  return fd;
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

class SocketPortReservation final : public PortReservation {
 public:
  explicit SocketPortReservation(UniqueFd fd) : fd_(std::move(fd)), local_(socket_name(fd_.get())) {}
  Endpoint local() const override { return local_; }

 private:
  UniqueFd fd_;
  Endpoint local_;
};

sockaddr_storage to_sockaddr(const Endpoint& e, socklen_t& length) {
  sockaddr_storage out{};
  if (e.address.is_v6()) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&out);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(e.port);
    auto bytes = e.address.to_v6().to_bytes();
    std::memcpy(&sin6->sin6_addr, bytes.data(), bytes.size());
    sin6->sin6_scope_id = e.address.to_v6().scope_id();
    length = sizeof *sin6;
  } else {
    auto* sin = reinterpret_cast<sockaddr_in*>(&out);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(e.port);
    auto bytes = e.address.to_v4().to_bytes();
    std::memcpy(&sin->sin_addr, bytes.data(), bytes.size());
    length = sizeof *sin;
  }
  return out;
}

}  // namespace

std::unique_ptr<PortReservation> reserve_tcp_port(const IpAddress& local) {
  UniqueFd fd(::socket(local.is_v6() ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) throw_errno("failed to create TCP socket", errno);
  socklen_t length = 0;
  sockaddr_storage address = to_sockaddr(Endpoint{local, 0}, length);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), length) != 0) {
    throw_errno("failed to reserve a TCP port on " + local.to_string(), errno);
  }
  return std::make_unique<SocketPortReservation>(std::move(fd));
}

Endpoint local_endpoint_for(const Endpoint& target) { return socket_name(connected_udp_socket(target).get()); }

std::unique_ptr<PortReservation> reserve_udp_port(const Endpoint& target) {
  return std::make_unique<SocketPortReservation>(connected_udp_socket(target));
}

}  // namespace ddtr::platform
