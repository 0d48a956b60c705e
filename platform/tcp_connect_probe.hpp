// A kernel TCP connect as a probe (the syn_socket method): one socket per TTL,
// the TTL set on the socket, and the kernel's error queue (IP_RECVERR /
// IPV6_RECVERR) saying which router's ICMP error ended the attempt. Needs no
// raw socket. Windows has its own (winconn); this is the Linux counterpart.
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <string>

#include "platform/packets.hpp"

namespace ddtr::platform {

struct ConnectOutcome {
  enum class Kind {
    Connected,  // the target accepted (SYN-ACK)
    Refused,    // the target answered RST
    IcmpError,  // an ICMP error ended the attempt: `from` sent it
    Failed,     // anything else (no answer the kernel could attribute)
  };
  Kind kind = Kind::Failed;
  IpAddress from;
  std::uint8_t icmp_type = 0;
  std::uint8_t icmp_code = 0;
  WireTime at;
  std::string error;
};

class TcpConnectProbe {
 public:
  virtual ~TcpConnectProbe() = default;  // closes the socket
  virtual WireTime sent_at() const = 0;
  // `handler` runs once, on the io_context's thread, unless cancel() ran first.
  virtual void async_outcome(std::function<void(ConnectOutcome)> handler) = 0;
  virtual void cancel() = 0;
};

// Starts the connect. Throws ddtr::Error if it fails at once (e.g. NETUNREACH).
std::unique_ptr<TcpConnectProbe> start_tcp_connect_probe(boost::asio::io_context& io, const Endpoint& target,
                                                         int ttl);

}  // namespace ddtr::platform
