#include "daemon/http/http_listener.hpp"

#include "shared/common/error.hpp"

namespace ddtr::http {
namespace {

// Restarting must not wait out TIME_WAIT: SO_REUSEADDR on Unix. On Windows
// that option lets another process bind the same port and take the daemon's
// connections; SO_EXCLUSIVEADDRUSE forbids that, and a restart still binds.
#ifdef _WIN32
using RebindOption = boost::asio::detail::socket_option::boolean<SOL_SOCKET, SO_EXCLUSIVEADDRUSE>;
#else
using RebindOption = boost::asio::socket_base::reuse_address;
#endif

}  // namespace

HttpListener::HttpListener(const policy::ListenAddress& listen) : acceptor_(io_) {
  boost::asio::ip::tcp::endpoint endpoint(listen.address, listen.port);
  const std::string address = listen.address.to_string();
  if (listen.address.is_v6()) {
    where_.append("[").append(address).append("]");
  } else {
    where_ = address;
  }
  where_.append(":").append(std::to_string(listen.port));
  boost::system::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(RebindOption(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(boost::asio::socket_base::max_listen_connections, ec);
  if (ec) throw Error(ErrorCode::Unknown, "cannot listen for HTTP on " + where_ + ": " + ec.message());
}

std::pair<boost::asio::ip::tcp, boost::asio::ip::tcp::acceptor::native_handle_type> HttpListener::release() {
  auto protocol = acceptor_.local_endpoint().protocol();
  boost::system::error_code ec;
  auto handle = acceptor_.release(ec);
  if (ec) throw Error(ErrorCode::Unknown, "cannot hand over the HTTP socket on " + where_ + ": " + ec.message());
  return {protocol, handle};
}

}  // namespace ddtr::http
