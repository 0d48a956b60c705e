#include "daemon/enrich/publicip/http_get.hpp"

#include <openssl/ssl.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <memory>
#include <optional>

#include "daemon/enrich/publicip/url.hpp"

namespace ddtr::enrich {
namespace {

namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

bool is_redirect(int status) { return status == 301 || status == 302 || status == 303 || status == 307 || status == 308; }

// One GET and the redirects it leads to; the shared_ptr kept by every pending
// handler keeps it alive. Each hop (request) gets a fresh connection.
class Request : public std::enable_shared_from_this<Request> {
 public:
  Request(boost::asio::io_context& io, std::chrono::milliseconds timeout, std::function<void(HttpResult)> done,
          HttpGetOptions options)
      : io_(io), resolver_(io), ssl_(boost::asio::ssl::context::tls_client), timer_(io), done_(std::move(done)),
        options_(std::move(options)) {
    ssl_.set_default_verify_paths();
    ssl_.set_verify_mode(boost::asio::ssl::verify_peer);
    timer_.expires_after(timeout);
  }

  void run(Url url) {
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec) return;
      self->finish(Error(ErrorCode::Timeout, "failed to fetch req: context deadline exceeded"));
    });
    start(std::move(url));
  }

 private:
  void start(Url url) {
    url_ = std::move(url);
    ++requests_;
    stream_.emplace(io_, ssl_);
    parser_.emplace();
    buffer_.clear();
    try {
      proxy_ = proxy_for(options_.proxy, url_.scheme, url_.host, url_.port);
    } catch (const Error& e) {
      finish(Error(e.code(), "failed to fetch req: " + get_text() + ": " + e.what()));
      return;
    }
    const std::string& host = proxy_ ? proxy_->host : url_.host;
    const std::string& port = proxy_ ? proxy_->port : url_.port;
    resolver_.async_resolve(tcp::v4(), host, port,
                            [self = shared_from_this(), host](const boost::system::error_code& ec, tcp::resolver::results_type r) {
                              if (ec) return self->fail((self->proxy_ ? "proxyconnect tcp: lookup " : "lookup ") + host, ec);
                              self->connect(r);
                            });
  }

  std::string get_text() const { return "Get \"" + url_.text() + "\""; }

  void connect(const tcp::resolver::results_type& results) {
    boost::asio::async_connect(stream_->next_layer(), results,
                               [self = shared_from_this()](const boost::system::error_code& ec, const tcp::endpoint&) {
                                 if (ec) return self->fail(self->proxy_ ? "proxyconnect tcp: dial tcp4" : "dial tcp4", ec);
                                 if (self->proxy_ && self->url_.tls()) {
                                   self->tunnel();
                                 } else if (self->url_.tls()) {
                                   self->handshake();
                                 } else {
                                   self->write();
                                 }
                               });
  }

  // HTTPS through a proxy: CONNECT host:port, then TLS with the checker inside the tunnel.
  void tunnel() {
    connect_request_ = {http::verb::connect, url_.authority(), 11};
    connect_request_.set(http::field::host, url_.authority());
    connect_request_.set(http::field::user_agent, "datadog-traceroute");
    if (!proxy_->authorization.empty()) connect_request_.set(http::field::proxy_authorization, proxy_->authorization);
    http::async_write(stream_->next_layer(), connect_request_,
                      [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                        if (ec) return self->fail("proxyconnect: write", ec);
                        self->connect_parser_.emplace();
                        self->connect_parser_->skip(true);  // a CONNECT answer has no body
                        http::async_read_header(self->stream_->next_layer(), self->buffer_, *self->connect_parser_,
                                                [self](const boost::system::error_code& ec, std::size_t) {
                                                  if (ec) return self->fail("proxyconnect: read", ec);
                                                  auto& answer = self->connect_parser_->get();
                                                  if (answer.result_int() != 200) {
                                                    return self->finish(Error(
                                                        ErrorCode::Unknown, "failed to fetch req: " + self->get_text() +
                                                                                ": proxy refused CONNECT: " +
                                                                                std::to_string(answer.result_int()) + " " +
                                                                                std::string(answer.reason())));
                                                  }
                                                  self->buffer_.clear();
                                                  self->handshake();
                                                });
                      });
  }

  void handshake() {
    boost::system::error_code ignored;
    boost::asio::ip::make_address(url_.host, ignored);
    if (ignored) SSL_set_tlsext_host_name(stream_->native_handle(), url_.host.c_str());  // SNI for names only
    stream_->set_verify_callback(boost::asio::ssl::host_name_verification(url_.host));
    stream_->async_handshake(boost::asio::ssl::stream_base::client,
                             [self = shared_from_this()](const boost::system::error_code& ec) {
                               if (ec) return self->fail("tls handshake", ec);
                               self->write();
                             });
  }

  void write() {
    // Plain HTTP through a proxy asks the proxy for the absolute URL.
    bool via_proxy = proxy_ && !url_.tls();
    request_ = {http::verb::get, via_proxy ? url_.text() : url_.target, 11};
    request_.set(http::field::host, url_.host_port());
    request_.set(http::field::user_agent, "datadog-traceroute");
    if (via_proxy && !proxy_->authorization.empty()) request_.set(http::field::proxy_authorization, proxy_->authorization);
    auto on_written = [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
      if (ec) return self->fail("write", ec);
      self->read();
    };
    if (url_.tls()) {
      http::async_write(*stream_, request_, on_written);
    } else {
      http::async_write(stream_->next_layer(), request_, on_written);
    }
  }

  void read() {
    parser_->body_limit(64 * 1024);
    auto on_read = [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
      if (ec) return self->fail("failed to read content", ec);
      self->answered();
    };
    if (url_.tls()) {
      http::async_read(*stream_, buffer_, *parser_, on_read);
    } else {
      http::async_read(stream_->next_layer(), buffer_, *parser_, on_read);
    }
  }

  void answered() {
    auto& response = parser_->get();
    int status = static_cast<int>(response.result_int());
    auto location = response.find(http::field::location);
    // Go: a 3xx without Location is the answer; 307/308 likewise.
    if (!is_redirect(status) || location == response.end() || location->value().empty()) {
      finish(HttpResponse{status, std::string(response.reason()), response.body()});
      return;
    }
    std::string text(location->value());
    if (requests_ >= options_.max_requests) {
      finish(Error(ErrorCode::Unknown, "failed to fetch req: Get \"" + text + "\": stopped after " +
                                           std::to_string(options_.max_requests) + " redirects"));
      return;
    }
    auto next = resolve_location(url_, text);
    if (!next) {
      finish(Error(ErrorCode::Unknown,
                   "failed to fetch req: " + get_text() + ": failed to parse Location header \"" + text + "\""));
      return;
    }
    close();
    // A fresh stream for the next request, once this handler has returned
    // (its completion still runs inside the old stream's operation).
    boost::asio::post(io_, [self = shared_from_this(), next = std::move(*next)]() mutable {
      if (self->done_) self->start(std::move(next));
    });
  }

  void fail(const std::string& what, const boost::system::error_code& ec) {
    finish(Error(error_code_from_errno(ec.category() == boost::system::system_category() ? ec.value() : 0),
                 "failed to fetch req: " + get_text() + ": " + what + ": " + ec.message()));
  }

  void close() {
    boost::system::error_code ignored;
    if (stream_) stream_->next_layer().close(ignored);
  }

  void finish(HttpResult result) {
    if (!done_) return;
    auto done = std::move(done_);
    done_ = nullptr;
    timer_.cancel();
    resolver_.cancel();
    close();
    done(std::move(result));
  }

  boost::asio::io_context& io_;
  Url url_;
  std::optional<ProxyServer> proxy_;
  int requests_ = 0;
  tcp::resolver resolver_;
  boost::asio::ssl::context ssl_;
  std::optional<boost::asio::ssl::stream<tcp::socket>> stream_;
  boost::asio::steady_timer timer_;
  boost::beast::flat_buffer buffer_;
  http::request<http::empty_body> connect_request_;
  std::optional<http::response_parser<http::empty_body>> connect_parser_;
  http::request<http::empty_body> request_;
  std::optional<http::response_parser<http::string_body>> parser_;
  std::function<void(HttpResult)> done_;
  HttpGetOptions options_;
};

}  // namespace

void http_get(boost::asio::io_context& io, const std::string& url, std::chrono::milliseconds timeout,
              std::function<void(HttpResult)> done, const HttpGetOptions& options) {
  auto parsed = parse_url(url);
  if (!parsed) {
    done(Error(ErrorCode::InvalidRequest, "failed to create new request: bad URL " + url));
    return;
  }
  std::make_shared<Request>(io, timeout, std::move(done), options)->run(std::move(*parsed));
}

}  // namespace ddtr::enrich
