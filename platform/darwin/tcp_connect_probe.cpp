// macOS only. syn_socket reads the router that ended a connect from the
// socket's error queue (Linux IP_RECVERR / IPV6_RECVERR). XNU has no error
// queue: an ICMP error reaches a TCP socket as a bare errno, without the
// router's address, so the method cannot name hops here. Upstream refuses it
// on every non-Windows system with this text (tcp/seqsocket_unix.go).
#include "platform/tcp_connect_probe.hpp"

#include "shared/common/error.hpp"

namespace ddtr::platform {

std::unique_ptr<TcpConnectProbe> start_tcp_connect_probe(boost::asio::io_context& /*io*/, const Endpoint& /*target*/,
                                                         int /*ttl*/) {
  throw Error::not_supported(ErrorCode::Unknown, "not implemented or supported on unix");
}

}  // namespace ddtr::platform
