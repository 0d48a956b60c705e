#include "platform/windows/rawsocket/raw_conn.hpp"

#include <ws2tcpip.h>

#include <algorithm>
#include <cstring>

#include "platform/windows/common/unique_handle.hpp"
#include "platform/windows/driver/read_timeout.hpp"
#include "shared/common/error.hpp"

namespace ddtr::platform::windows::rawsocket {
namespace {

SOCKET open_raw_socket(const IpAddress& target) {
  if (target.is_v6()) throw Error(ErrorCode::Unknown, "NewRawConn: IPv6 is not supported");
  UniqueSocket s(::socket(AF_INET, SOCK_RAW, IPPROTO_IP));
  if (!s.valid()) throw_last_wsa_error("failed to create raw socket");
  DWORD one = 1;
  if (::setsockopt(s.get(), IPPROTO_IP, IP_HDRINCL, reinterpret_cast<const char*>(&one), sizeof one) != 0) {
    throw_last_wsa_error("failed to set IP_HDRINCL");
  }
  // Reads poll (the engine reads from its loop) instead of upstream's
  // per-read SO_RCVTIMEO, which cannot express "do not wait".
  u_long non_blocking = 1;
  if (::ioctlsocket(s.get(), FIONBIO, &non_blocking) != 0) throw_last_wsa_error("failed to set non-blocking mode");
  return s.release();
}

}  // namespace

RawConn::RawConn(boost::asio::io_context& io, const IpAddress& target) : socket_(io) {
  SOCKET s = open_raw_socket(target);
  boost::system::error_code ec;
  socket_.assign(boost::asio::generic::raw_protocol(AF_INET, IPPROTO_IP), s, ec);
  if (ec) {
    ::closesocket(s);
    throw Error(ErrorCode::Unknown, "failed to create raw socket: " + ec.message());
  }
}

std::optional<ReceivedPacket> RawConn::read(std::span<std::uint8_t> buffer, Deadline deadline) {
  for (;;) {
    int n = ::recvfrom(socket_.native_handle(), reinterpret_cast<char*>(buffer.data()), static_cast<int>(buffer.size()),
                       0, nullptr, nullptr);
    if (n > 0) return ReceivedPacket{static_cast<std::size_t>(n), WireClock::now()};
    int error = n == 0 ? 0 : ::WSAGetLastError();
    if (error == WSAETIMEDOUT || error == WSAEMSGSIZE) return std::nullopt;
    if (error == WSAEINVAL && !sent_) return std::nullopt;
    if (error != 0 && error != WSAEWOULDBLOCK) throw_win32("ConnHandle failed to Read", static_cast<std::uint32_t>(error));
    auto wait = driver::completion_wait_ms(deadline, std::chrono::steady_clock::now());
    if (wait == 0) return std::nullopt;
    WSAPOLLFD fd{};
    fd.fd = socket_.native_handle();
    fd.events = POLLRDNORM;
    if (::WSAPoll(&fd, 1, static_cast<INT>(wait)) < 0) throw_last_wsa_error("ConnHandle failed to poll");
  }
}

void RawConn::async_wait_readable(std::function<void(std::error_code)> handler) {
  if (!sent_) {
    deferred_wait_ = std::move(handler);
    return;
  }
  socket_.async_wait(boost::asio::socket_base::wait_read,
                     [handler = std::move(handler)](const boost::system::error_code& ec) {
                       handler(static_cast<std::error_code>(ec));
                     });
}

void RawConn::cancel() {
  if (deferred_wait_) {
    auto handler = std::move(deferred_wait_);
    deferred_wait_ = nullptr;
    boost::asio::post(socket_.get_executor(), [handler] {
      handler(static_cast<std::error_code>(boost::system::error_code(boost::asio::error::operation_aborted)));
    });
  }
  boost::system::error_code ignored;
  socket_.cancel(ignored);
}

WireTime RawConn::write_to(std::span<const std::uint8_t> packet, const Endpoint& destination) {
  if (!destination.address.is_v4()) throw Error(ErrorCode::Unknown, "failed to send packet: not an IPv4 destination");
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(destination.port);
  auto bytes = destination.address.to_v4().to_bytes();
  std::memcpy(&sa.sin_addr, bytes.data(), bytes.size());
  auto sent_at = WireClock::now();
  if (::sendto(socket_.native_handle(), reinterpret_cast<const char*>(packet.data()), static_cast<int>(packet.size()), 0,
               reinterpret_cast<const sockaddr*>(&sa), sizeof sa) == SOCKET_ERROR) {
    throw_last_wsa_error("failed to send packet");
  }
  if (!sent_) {
    sent_ = true;
    if (deferred_wait_) {
      auto handler = std::move(deferred_wait_);
      deferred_wait_ = nullptr;
      async_wait_readable(std::move(handler));
    }
  }
  return sent_at;
}

}  // namespace ddtr::platform::windows::rawsocket
