// The local side of a trace on Windows: the same UDP-dial trick and port
// reservations as on Linux, through Winsock.
#include "platform/local_address.hpp"

#include <ws2tcpip.h>

#include <cstring>

#include "platform/windows/common/unique_handle.hpp"
#include "platform/windows/common/win_error.hpp"
#include "platform/windows/common/winsock_session.hpp"

namespace ddtr::platform {
namespace {

sockaddr_storage to_sockaddr(const Endpoint& e, int& length) {
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

Endpoint socket_name(SOCKET s) {
  sockaddr_storage local{};
  int length = sizeof local;
  if (::getsockname(s, reinterpret_cast<sockaddr*>(&local), &length) != 0) {
    windows::throw_last_wsa_error("getsockname failed");
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

windows::UniqueSocket connected_udp_socket(const Endpoint& target) {
  windows::UniqueSocket s(::socket(target.address.is_v6() ? AF_INET6 : AF_INET, SOCK_DGRAM, IPPROTO_UDP));
  if (!s.valid()) windows::throw_last_wsa_error("failed to create UDP socket");
  int length = 0;
  sockaddr_storage peer = to_sockaddr(target, length);
  if (::connect(s.get(), reinterpret_cast<sockaddr*>(&peer), length) != 0) {
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
  int length = 0;
  sockaddr_storage address = to_sockaddr(Endpoint{local, 0}, length);
  if (::bind(s.get(), reinterpret_cast<sockaddr*>(&address), length) != 0) {
    windows::throw_last_wsa_error("failed to reserve a TCP port on " + local.to_string());
  }
  return std::make_unique<SocketPortReservation>(std::move(s));
}

}  // namespace ddtr::platform
