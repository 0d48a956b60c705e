// Asio waiting for readiness on a socket another library owns and closes
// (c-ares's): wait_read / wait_write, cancel, and release() without closing.
// POSIX: a stream_descriptor on the fd, released without closing. Windows:
// Asio cannot give a SOCKET back everywhere (release() needs
// FileReplaceCompletionInformation, which wine lacks, and then the socket
// would be closed under its owner), so the watch holds its own duplicate
// (WSADuplicateSocketW: the same socket, a handle of its own), assigned to a
// udp::socket (datagram-typed: Asio's select reactor does both waits, never
// a zero-byte overlapped read that would race the owner's), and closes that.
// A socket that cannot be duplicated gets a closed watch: its waits fail
// with bad_descriptor.
#pragma once

#include <boost/asio/io_context.hpp>

#ifdef _WIN32
#include <winsock2.h>

#include <boost/asio/ip/udp.hpp>
#else
#include <boost/asio/posix/stream_descriptor.hpp>
#endif

namespace ddtr::platform {

class ForeignSocketWatch {
 public:
#ifdef _WIN32
  using Native = boost::asio::ip::udp::socket::native_handle_type;
  ForeignSocketWatch(boost::asio::io_context& io, Native socket) : socket_(io) {
    WSAPROTOCOL_INFOW info{};
    if (::WSADuplicateSocketW(socket, ::GetCurrentProcessId(), &info) != 0) return;
    SOCKET own = ::WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &info, 0, WSA_FLAG_OVERLAPPED);
    if (own == INVALID_SOCKET) return;
    boost::system::error_code ec;
    socket_.assign(boost::asio::ip::udp::v4(), own, ec);
    if (ec) ::closesocket(own);
  }
  template <typename Handler>
  void async_wait_read(Handler&& handler) {
    socket_.async_wait(boost::asio::socket_base::wait_read, std::forward<Handler>(handler));
  }
  template <typename Handler>
  void async_wait_write(Handler&& handler) {
    socket_.async_wait(boost::asio::socket_base::wait_write, std::forward<Handler>(handler));
  }
#else
  using Native = int;
  ForeignSocketWatch(boost::asio::io_context& io, Native fd) : socket_(io, fd) {}
  template <typename Handler>
  void async_wait_read(Handler&& handler) {
    socket_.async_wait(boost::asio::posix::stream_descriptor::wait_read, std::forward<Handler>(handler));
  }
  template <typename Handler>
  void async_wait_write(Handler&& handler) {
    socket_.async_wait(boost::asio::posix::stream_descriptor::wait_write, std::forward<Handler>(handler));
  }
#endif

  // Cancels the waits and leaves the socket to its owner.
  void release() {
    boost::system::error_code ignored;
    socket_.cancel(ignored);
#ifdef _WIN32
    socket_.close(ignored);  // the duplicate only
#else
    socket_.release();
#endif
  }

 private:
#ifdef _WIN32
  boost::asio::ip::udp::socket socket_;
#else
  boost::asio::posix::stream_descriptor socket_;
#endif
};

}  // namespace ddtr::platform
