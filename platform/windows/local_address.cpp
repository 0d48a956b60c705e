// The local side of a trace on Windows: the same UDP-dial trick and port
// reservations as on Linux, through Winsock.
#include "platform/local_address.hpp"

#include <ws2tcpip.h>

#include "platform/sockaddr_endpoint.hpp"
#include "platform/windows/common/unique_handle.hpp"
#include "platform/windows/common/win_error.hpp"
#include "platform/windows/common/winsock_session.hpp"

namespace ddtr::platform {
namespace {

Endpoint socket_name(SOCKET s) {
  sockaddr_storage local{};
  int length = sizeof local;
  if (::getsockname(s, reinterpret_cast<sockaddr*>(&local), &length) != 0) {
    windows::throw_last_wsa_error("getsockname failed");
  }
  return to_endpoint(local);
}

windows::UniqueSocket connected_udp_socket(const Endpoint& target) {
  windows::UniqueSocket s(::socket(target.address.is_v6() ? AF_INET6 : AF_INET, SOCK_DGRAM, IPPROTO_UDP));
  if (!s.valid()) windows::throw_last_wsa_error("failed to create UDP socket");
  SocketAddress peer = to_socket_address(target);
  if (::connect(s.get(), peer.get(), peer.length) != 0) {
    windows::throw_last_wsa_error("failed to dial UDP " + target.address.to_string());
  }
  return s;
}

class SocketPortReservation final : public PortReservation {
 public:
  explicit SocketPortReservation(windows::UniqueSocket s) : socket_(std::move(s)), local_(socket_name(socket_.get())) {}
  Endpoint local() const override { return local_; }

 private:
  windows::WinsockSession winsock_;  // outlives socket_ (declared first)
  windows::UniqueSocket socket_;
  Endpoint local_;
};

}  // namespace

Endpoint local_endpoint_for(const Endpoint& target) {
  windows::WinsockSession winsock;
  return socket_name(connected_udp_socket(target).get());
}

std::unique_ptr<PortReservation> reserve_udp_port(const Endpoint& target) {
  windows::WinsockSession winsock;
  return std::make_unique<SocketPortReservation>(connected_udp_socket(target));
}

std::unique_ptr<PortReservation> reserve_tcp_port(const IpAddress& local) {
  windows::WinsockSession winsock;
  windows::UniqueSocket s(::socket(local.is_v6() ? AF_INET6 : AF_INET, SOCK_STREAM, IPPROTO_TCP));
  if (!s.valid()) windows::throw_last_wsa_error("failed to create TCP socket");
  SocketAddress address = to_socket_address(Endpoint{local, 0});
  if (::bind(s.get(), address.get(), address.length) != 0) {
    windows::throw_last_wsa_error("failed to reserve a TCP port on " + local.to_string());
  }
  return std::make_unique<SocketPortReservation>(std::move(s));
}

}  // namespace ddtr::platform
