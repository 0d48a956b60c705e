// The local side of a trace: which source address the kernel would use to
// reach a target (upstream's "UDP dial" trick: connect a UDP socket, read its
// name; nothing is sent), and a UDP port held for the length of a run.
#pragma once

#include <memory>

#include "shared/common/ip_address.hpp"

namespace ddtr::platform {

// The source address and the ephemeral port the kernel picked. Throws
// ddtr::Error (e.g. NETUNREACH when there is no route).
Endpoint local_endpoint_for(const Endpoint& target);

// local_endpoint_for for a caller that asks for every trace: on Linux it keeps
// one UDP socket per family and, before each dial, dissolves the last one
// (connect to AF_UNSPEC), which makes the kernel pick source address and port
// afresh, exactly as for a new socket. A socket's creation and close per trace
// were a tenth of the daemon's CPU for a short trace at 1000 concurrent traces.
// Elsewhere it is local_endpoint_for. One thread at a time.
class SourceAddressFinder {
 public:
  SourceAddressFinder();
  ~SourceAddressFinder();
  SourceAddressFinder(const SourceAddressFinder&) = delete;
  SourceAddressFinder& operator=(const SourceAddressFinder&) = delete;
  Endpoint local_endpoint_for(const Endpoint& target);

 private:
  struct Sockets;
  std::unique_ptr<Sockets> sockets_;
};

// A connected UDP socket kept open so that its ephemeral port stays ours while
// a run sends raw probes from it (upstream's port reservation): replies quote
// this port, so it tells concurrent runs apart.
class PortReservation {
 public:
  virtual ~PortReservation() = default;
  virtual Endpoint local() const = 0;
};

std::unique_ptr<PortReservation> reserve_udp_port(const Endpoint& target);

// A TCP socket bound to (local, ephemeral port) and never listening: the port
// is ours for the run, and the kernel answers the target's SYN-ACK with a RST.
std::unique_ptr<PortReservation> reserve_tcp_port(const IpAddress& local);

}  // namespace ddtr::platform
