// Asio waiting for readiness on a socket another library owns and closes
// (c-ares's): wait_read / wait_write, cancel, and release() without closing.
// POSIX: a stream_descriptor on the fd. Windows: a udp::socket assigned the
// SOCKET (datagram-typed, so Asio uses its select reactor for both waits
// rather than a zero-byte overlapped read the owner would then race).
#pragma once

#include <boost/asio/io_context.hpp>

#ifdef _WIN32
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
    boost::system::error_code ignored;
    socket_.assign(boost::asio::ip::udp::v4(), socket, ignored);
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

  // Cancels the waits and gives the socket back to its owner.
  void release() {
    boost::system::error_code ignored;
    socket_.cancel(ignored);
#ifdef _WIN32
    socket_.release(ignored);
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
