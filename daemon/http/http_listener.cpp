#include "daemon/http/http_listener.hpp"

#include "shared/common/error.hpp"

namespace ddtr::http {
namespace {

std::string where_of(const policy::ListenAddress& listen) {
  const std::string address = listen.address.to_string();
  std::string where = listen.address.is_v6() ? "[" + address + "]" : address;
  return where + ":" + std::to_string(listen.port);
}

}  // namespace

#ifdef _WIN32

HttpListener::HttpListener(const policy::ListenAddress& listen) : where_(where_of(listen)) {
  boost::asio::ip::tcp::endpoint endpoint(listen.address, listen.port);
  protocol_ = endpoint.protocol();
  auto fail = [this](int error) {
    throw Error(ErrorCode::Unknown, "cannot listen for HTTP on " + where_ + ": " +
                                        boost::system::error_code(error, boost::asio::error::get_system_category()).message());
  };
  // Overlapped, as Asio's own sockets, so the acceptor's IOCP can serve it.
  socket_.reset(::WSASocketW(protocol_.family(), SOCK_STREAM, IPPROTO_TCP, nullptr, 0, WSA_FLAG_OVERLAPPED));
  if (!socket_.valid()) fail(::WSAGetLastError());
  // Not SO_REUSEADDR: on Windows it would let another process bind the same
  // port and take the daemon's connections. A restart binds all the same.
  BOOL on = TRUE;
  if (::setsockopt(socket_.get(), SOL_SOCKET, SO_EXCLUSIVEADDRUSE, reinterpret_cast<const char*>(&on), sizeof on) != 0 ||
      ::bind(socket_.get(), endpoint.data(), static_cast<int>(endpoint.size())) != 0 ||
      ::listen(socket_.get(), SOMAXCONN) != 0) {
    fail(::WSAGetLastError());
  }
}

std::pair<boost::asio::ip::tcp, boost::asio::ip::tcp::acceptor::native_handle_type> HttpListener::release() {
  if (!socket_.valid()) throw Error(ErrorCode::Unknown, "the HTTP socket on " + where_ + " was handed over already");
  return {protocol_, socket_.release()};
}

#else

HttpListener::HttpListener(const policy::ListenAddress& listen) : acceptor_(io_), where_(where_of(listen)) {
  boost::asio::ip::tcp::endpoint endpoint(listen.address, listen.port);
  boost::system::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  // Restarting must not wait out TIME_WAIT.
  if (!ec) acceptor_.set_option(boost::asio::socket_base::reuse_address(true), ec);
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

#endif

}  // namespace ddtr::http
