// The HTTP API's listening socket, bound apart from the server: the daemon
// binds it while it may still bind any port (before it gives up root) and the
// HttpServer serves it afterwards on its own loop.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <string>
#include <utility>

#include "daemon/policy/policy_config.hpp"
#ifdef _WIN32
#include "platform/windows/common/unique_handle.hpp"
#endif

namespace ddtr::http {

class HttpListener {
 public:
  // Binds and listens at once; throws Error naming the address when it cannot.
  explicit HttpListener(const policy::ListenAddress& listen);
  HttpListener(const HttpListener&) = delete;
  HttpListener& operator=(const HttpListener&) = delete;

  // The socket, handed over to another loop's acceptor (HttpServer's).
  std::pair<boost::asio::ip::tcp, boost::asio::ip::tcp::acceptor::native_handle_type> release();
  const std::string& where() const { return where_; }

 private:
#ifdef _WIN32
  // A socket once tied to an io_context's completion port cannot leave it
  // (Asio's release() fails there): a plain Winsock socket until the
  // server's acceptor adopts it.
  boost::asio::ip::tcp protocol_ = boost::asio::ip::tcp::v4();
  platform::windows::UniqueSocket socket_;
#else
  boost::asio::io_context io_;  // an acceptor needs one; it never runs
  boost::asio::ip::tcp::acceptor acceptor_;
#endif
  std::string where_;
};

}  // namespace ddtr::http
