// upstream's winconn (winconn_nonraw_windows.go): a TCP connect as a probe, no
// raw socket and no driver. One non-blocking stream socket per TTL that fails
// its connect on an ICMP error; the error's sender is the hop. Windows only.
#pragma once

#include <chrono>
#include <cstdint>

#include "platform/packets.hpp"
#include "platform/windows/common/unique_handle.hpp"
#include "platform/windows/common/winsock_session.hpp"
#include "platform/windows/winconn/icmp_error_info.hpp"

namespace ddtr::platform::windows::winconn {

struct ConnOptions {
  // Upstream always sets it; tests turn it off where wine lacks the option
  // (WSAENOPROTOOPT) to exercise the rest.
  bool fail_connect_on_icmp_error = true;
};

// GetHop's answer. No address: the timeout passed with no answer (not an error).
struct Hop {
  std::optional<IpAddress> address;
  WireTime at;
  std::uint8_t icmp_type = 0;
  std::uint8_t icmp_code = 0;
};

class Conn {
 public:
  // NewConn: socket(AF_INET, SOCK_STREAM, IPPROTO_IP), FIONBIO through
  // WSAIoctl, TCP_FAIL_CONNECT_ON_ICMP_ERROR = 1. Throws ddtr::Error "failed
  // to create socket: …", "failed to set non-blocking mode: …", "failed to set
  // TCP_FAIL_CONNECT_ON_ICMP_ERROR: …".
  explicit Conn(ConnOptions options = {});

  // IP_TTL. Throws "TTL cannot be negative", or the setsockopt error.
  void set_ttl(int ttl);

  // GetHop: connect; on WSAEWOULDBLOCK, WSAPoll for POLLOUT in 100 ms slices
  // until `timeout`; then SO_ERROR. WSAEHOSTUNREACH → TCP_ICMP_ERROR_INFO names
  // the hop; 0 → the destination answered; a timeout → an empty hop. Errors as
  // upstream: "failed to poll: failed to poll: …", "failed to poll: socket is
  // not writable", "failed to get hop address: failed to get hop address: …",
  // "failed to send connect: …" (a refused connect among them), "unable to
  // parse IP address" (not IPv4).
  Hop get_hop(std::chrono::milliseconds timeout, const Endpoint& destination);

  // The pieces, for the event-driven probe (tcp_connect_probe.cpp).
  // Starts the connect; returns its Winsock error (0, WSAEWOULDBLOCK, …).
  int start_connect(const Endpoint& destination);
  // SO_ERROR. Throws "failed to get socket error: …".
  int socket_error();
  // TCP_ICMP_ERROR_INFO. Throws "failed to get hop address: …".
  IcmpErrorInfo icmp_error_info();

  SOCKET native() const { return socket_.get(); }

 private:
  WinsockSession winsock_;
  UniqueSocket socket_;
};

}  // namespace ddtr::platform::windows::winconn
