// upstream's RawConn (packets/rawconn_windows.go), used when the driver is not:
// one raw IPv4 socket with IP_HDRINCL that both captures and sends. IPv4 only
// (Winsock's raw IPv6 sockets never hand over the IPv6 header); needs
// Administrator; a port held by an ordinary socket diverts its replies away
// from the raw socket (hence must_close_port). Windows only.
#pragma once

#include <boost/asio/generic/raw_protocol.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>

#include "platform/packets.hpp"
#include "platform/windows/common/winsock_session.hpp"

namespace ddtr::platform::windows::rawsocket {

class RawConn {
 public:
  // Throws ddtr::Error "NewRawConn: IPv6 is not supported", "failed to create
  // raw socket: …", "failed to set IP_HDRINCL: …".
  RawConn(boost::asio::io_context& io, const IpAddress& target);

  // Non-blocking receive, then WSAPoll until the deadline. WSAETIMEDOUT and
  // WSAEMSGSIZE (a datagram larger than the buffer) are "no packet", as
  // upstream; so is WSAEINVAL before the first send (a raw socket cannot be
  // read until it has sent).
  std::optional<ReceivedPacket> read(std::span<std::uint8_t> buffer, Deadline deadline);
  void async_wait_readable(std::function<void(std::error_code)> handler);
  void cancel();
  // sendto(sockaddr_in{destination}); "failed to send packet: …".
  WireTime write_to(std::span<const std::uint8_t> packet, const Endpoint& destination);

 private:
  WinsockSession winsock_;
  boost::asio::generic::raw_protocol::socket socket_;  // owns the SOCKET
  bool sent_ = false;
  // A wait asked for before the first send starts with that send (upstream's
  // parallel runner gates its reader the same way).
  std::function<void(std::error_code)> deferred_wait_;
};

// The Source and Sink of one RawConn, as NewSourceSinkRaw hands it out twice.
class RawSource final : public PacketSource {
 public:
  explicit RawSource(std::shared_ptr<RawConn> conn) : conn_(std::move(conn)) {}
  void set_packet_filter(const PacketFilterSpec&) override {}  // no filter on Windows raw sockets (upstream: no-op)
  std::optional<ReceivedPacket> read(std::span<std::uint8_t> buffer, Deadline deadline) override {
    return conn_->read(buffer, deadline);
  }
  void async_wait_readable(std::function<void(std::error_code)> handler) override {
    conn_->async_wait_readable(std::move(handler));
  }
  void cancel() override { conn_->cancel(); }

 private:
  std::shared_ptr<RawConn> conn_;
};

class RawSink final : public PacketSink {
 public:
  explicit RawSink(std::shared_ptr<RawConn> conn) : conn_(std::move(conn)) {}
  WireTime write_to(std::span<const std::uint8_t> packet, const Endpoint& destination) override {
    return conn_->write_to(packet, destination);
  }

 private:
  std::shared_ptr<RawConn> conn_;
};

}  // namespace ddtr::platform::windows::rawsocket
