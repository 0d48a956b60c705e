#include "platform/local_address.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>

#include "platform/posix/unique_fd.hpp"
#include "platform/sockaddr_endpoint.hpp"
#include "shared/common/error.hpp"

namespace ddtr::platform {
namespace {

UniqueFd udp_socket(bool v6) {
  UniqueFd fd(::socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) throw_errno("failed to create UDP socket", errno);
  return fd;
}

// Connects a UDP socket: the kernel picks the route, source address and port;
// nothing is sent.
void dial(int fd, const Endpoint& target) {
  SocketAddress peer = to_socket_address(target);
  if (::connect(fd, peer.get(), static_cast<socklen_t>(peer.length)) != 0) {
    int error = errno;
    throw_errno("failed to dial UDP " + target.address.to_string(), error);
  }
}

UniqueFd connected_udp_socket(const Endpoint& target) {
  UniqueFd fd = udp_socket(target.address.is_v6());
  dial(fd.get(), target);
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

class SocketPortReservation final : public PortReservation {
 public:
  explicit SocketPortReservation(UniqueFd fd) : fd_(std::move(fd)), local_(socket_name(fd_.get())) {}
  Endpoint local() const override { return local_; }

 private:
  UniqueFd fd_;
  Endpoint local_;
};

}  // namespace

std::unique_ptr<PortReservation> reserve_tcp_port(const IpAddress& local) {
  UniqueFd fd(::socket(local.is_v6() ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) throw_errno("failed to create TCP socket", errno);
  SocketAddress address = to_socket_address(Endpoint{local, 0});
  if (::bind(fd.get(), address.get(), static_cast<socklen_t>(address.length)) != 0) {
    throw_errno("failed to reserve a TCP port on " + local.to_string(), errno);
  }
  return std::make_unique<SocketPortReservation>(std::move(fd));
}

Endpoint local_endpoint_for(const Endpoint& target) { return socket_name(connected_udp_socket(target).get()); }

struct SourceAddressFinder::Sockets {
  UniqueFd v4;
  UniqueFd v6;
};

SourceAddressFinder::SourceAddressFinder() : sockets_(std::make_unique<Sockets>()) {}
SourceAddressFinder::~SourceAddressFinder() = default;

Endpoint SourceAddressFinder::local_endpoint_for(const Endpoint& target) {
  bool v6 = target.address.is_v6();
  UniqueFd& fd = v6 ? sockets_->v6 : sockets_->v4;
  if (fd.valid()) {
    // The last dial's source address and port would otherwise stay (Linux
    // keeps a connected UDP socket's source on a new connect()).
    sockaddr unspecified{};
    unspecified.sa_family = AF_UNSPEC;
    if (::connect(fd.get(), &unspecified, sizeof unspecified) != 0) fd.reset();
  }
  if (!fd.valid()) fd = udp_socket(v6);
  try {
    dial(fd.get(), target);
  } catch (const Error&) {
    fd.reset();  // a fresh one next time
    throw;
  }
  return socket_name(fd.get());
}

std::unique_ptr<PortReservation> reserve_udp_port(const Endpoint& target) {
  return std::make_unique<SocketPortReservation>(connected_udp_socket(target));
}

}  // namespace ddtr::platform
