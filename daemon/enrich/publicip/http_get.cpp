#include "daemon/enrich/publicip/http_get.hpp"

#include <openssl/ssl.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <memory>
#include <optional>
#include <regex>

namespace ddtr::enrich {
namespace {

namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

struct Url {
  bool tls = false;
  std::string host;
  std::string port;
  std::string target;
};

std::optional<Url> parse_url(const std::string& url) {
  static const std::regex pattern(R"(^(https?)://([^/:]+|\[[^\]]+\])(?::([0-9]{1,5}))?(/.*)?$)", std::regex::icase);
  std::smatch m;
  if (!std::regex_match(url, m, pattern)) return std::nullopt;
  Url u;
  u.tls = m[1].str().size() == 5;
  u.host = m[2].str();
  if (!u.host.empty() && u.host.front() == '[') u.host = u.host.substr(1, u.host.size() - 2);
  u.port = m[3].matched ? m[3].str() : (u.tls ? "443" : "80");
  u.target = m[4].matched ? m[4].str() : "/";
  return u;
}

// One request's state; the shared_ptr kept by every pending handler keeps it alive.
class Request : public std::enable_shared_from_this<Request> {
 public:
  Request(boost::asio::io_context& io, Url url, std::chrono::milliseconds timeout, std::function<void(HttpResult)> done)
      : url_(std::move(url)), resolver_(io), ssl_(boost::asio::ssl::context::tls_client), timer_(io),
        done_(std::move(done)) {
    ssl_.set_default_verify_paths();
    ssl_.set_verify_mode(boost::asio::ssl::verify_peer);
    stream_.emplace(io, ssl_);
    timer_.expires_after(timeout);
  }

  void run() {
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec) return;
      self->finish(Error(ErrorCode::Timeout, "failed to fetch req: context deadline exceeded"));
    });
    resolver_.async_resolve(tcp::v4(), url_.host, url_.port,
                            [self = shared_from_this()](const boost::system::error_code& ec, tcp::resolver::results_type r) {
                              if (ec) return self->fail("lookup " + self->url_.host, ec);
                              self->connect(r);
                            });
  }

 private:
  void connect(const tcp::resolver::results_type& results) {
    boost::asio::async_connect(stream_->next_layer(), results,
                               [self = shared_from_this()](const boost::system::error_code& ec, const tcp::endpoint&) {
                                 if (ec) return self->fail("dial tcp4", ec);
                                 if (self->url_.tls) {
                                   self->handshake();
                                 } else {
                                   self->write();
                                 }
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
    request_ = {http::verb::get, url_.target, 11};
    request_.set(http::field::host, url_.host);
    request_.set(http::field::user_agent, "datadog-traceroute");
    auto on_written = [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
      if (ec) return self->fail("write", ec);
      self->read();
    };
    if (url_.tls) {
      http::async_write(*stream_, request_, on_written);
    } else {
      http::async_write(stream_->next_layer(), request_, on_written);
    }
  }

  void read() {
    parser_.body_limit(64 * 1024);
    auto on_read = [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
      if (ec) return self->fail("failed to read content", ec);
      auto& response = self->parser_.get();
      self->finish(HttpResponse{static_cast<int>(response.result_int()), std::string(response.reason()),
                                response.body()});
    };
    if (url_.tls) {
      http::async_read(*stream_, buffer_, parser_, on_read);
    } else {
      http::async_read(stream_->next_layer(), buffer_, parser_, on_read);
    }
  }

  void fail(const std::string& what, const boost::system::error_code& ec) {
    finish(Error(error_code_from_errno(ec.category() == boost::system::system_category() ? ec.value() : 0),
                 "failed to fetch req: " + what + ": " + ec.message()));
  }

  void finish(HttpResult result) {
    if (!done_) return;
    auto done = std::move(done_);
    done_ = nullptr;
    timer_.cancel();
    resolver_.cancel();
    boost::system::error_code ignored;
    stream_->next_layer().close(ignored);
    done(std::move(result));
  }

  Url url_;
  tcp::resolver resolver_;
  boost::asio::ssl::context ssl_;
  std::optional<boost::asio::ssl::stream<tcp::socket>> stream_;
  boost::asio::steady_timer timer_;
  boost::beast::flat_buffer buffer_;
  http::request<http::empty_body> request_;
  http::response_parser<http::string_body> parser_;
  std::function<void(HttpResult)> done_;
};

}  // namespace

void http_get(boost::asio::io_context& io, const std::string& url, std::chrono::milliseconds timeout,
              std::function<void(HttpResult)> done) {
  auto parsed = parse_url(url);
  if (!parsed) {
    done(Error(ErrorCode::InvalidRequest, "failed to create new request: bad URL " + url));
    return;
  }
  std::make_shared<Request>(io, std::move(*parsed), timeout, std::move(done))->run();
}

}  // namespace ddtr::enrich
