// An HTTP/1.1 server for the public IP fetcher's tests, on 127.0.0.1 (an
// ephemeral port) and the test's own io_context: one request per connection,
// answered by `respond` from the request line; every request line is kept.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ddtr::testing {

class LoopbackHttpServer {
 public:
  // Gets the request line ("GET /ip HTTP/1.1"), returns the whole response.
  using Respond = std::function<std::string(const std::string& request_line)>;

  LoopbackHttpServer(boost::asio::io_context& io, Respond respond)
      : acceptor_(io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)),
        respond_(std::move(respond)) {
    accept();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port()) + path; }
  const std::vector<std::string>& requests() const { return requests_; }
  const std::vector<std::string>& heads() const { return heads_; }  // request line and headers, whole

  static std::string answer(int status, const std::string& reason, const std::string& body,
                            const std::string& headers = "") {
    return "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\nConnection: close\r\n" + headers + "\r\n" + body;
  }

 private:
  struct Connection {
    boost::asio::ip::tcp::socket socket;
    boost::asio::streambuf in;
    std::string out;
    explicit Connection(boost::asio::ip::tcp::socket s) : socket(std::move(s)) {}
  };

  void accept() {
    acceptor_.async_accept([this](const boost::system::error_code& ec, boost::asio::ip::tcp::socket socket) {
      if (ec) return;
      auto c = std::make_shared<Connection>(std::move(socket));
      boost::asio::async_read_until(c->socket, c->in, "\r\n\r\n", [this, c](const boost::system::error_code& ec, std::size_t n) {
        if (ec) return;
        std::string head(boost::asio::buffers_begin(c->in.data()), boost::asio::buffers_begin(c->in.data()) + static_cast<std::ptrdiff_t>(n));
        std::string line = head.substr(0, head.find("\r\n"));
        requests_.push_back(line);
        heads_.push_back(head);
        c->out = respond_(line);
        boost::asio::async_write(c->socket, boost::asio::buffer(c->out), [c](const boost::system::error_code&, std::size_t) {
          boost::system::error_code ignored;
          c->socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
        });
      });
      accept();
    });
  }

  boost::asio::ip::tcp::acceptor acceptor_;
  Respond respond_;
  std::vector<std::string> requests_;
  std::vector<std::string> heads_;
};

}  // namespace ddtr::testing
