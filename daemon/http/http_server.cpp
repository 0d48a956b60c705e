#include "daemon/http/http_server.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <optional>

#include "daemon/http/connection_quota.hpp"
#include "daemon/http/host_check.hpp"
#include "daemon/http/local_caller.hpp"
#include "daemon/http/query_params.hpp"
#include "daemon/http/responses.hpp"

namespace ddtr::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

// Everything the sessions share; HTTP thread only, except the outbox.
struct HttpServer::Shared {
  policy::HttpConfig limits;
  std::shared_ptr<TraceBridge> bridge;
  MetricsEndpoint metrics;
  std::shared_ptr<AsioOutbox> outbox;
  tcp::acceptor acceptor;
  asio::steady_timer retry;
  platform::SocketOwnerLookup owners;  // opened with the listener, in its namespace
  IpAddress listen_address;            // as bound
  std::uint16_t port = 0;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  int connections = 0;
  ConnectionQuota quota;  // trace API listeners only: a metrics listener's scrapers are not callers
  std::uint64_t next_trace_id = 1;
  Shared(asio::io_context& io, policy::HttpConfig l, std::shared_ptr<TraceBridge> b, MetricsEndpoint m)
      : limits(std::move(l)),
        bridge(std::move(b)),
        metrics(std::move(m)),
        outbox(std::make_shared<AsioOutbox>([&io](std::function<void()> fn) { asio::post(io, std::move(fn)); })),
        acceptor(io),
        retry(io) {}
};

namespace {

std::string peer_text(const tcp::socket& socket) {
  boost::system::error_code ec;
  auto peer = socket.remote_endpoint(ec);
  if (ec) return "?";
  return (peer.address().is_v6() ? "[" + peer.address().to_string() + "]" : peer.address().to_string()) + ":" +
         std::to_string(peer.port());
}

// The single value of a header, nullopt when absent; `repeated` when sent twice.
std::optional<std::string_view> header(const bhttp::request<bhttp::empty_body>& request, std::string_view name,
                                       bool& repeated) {
  auto range = request.equal_range(beast::string_view(name.data(), name.size()));
  if (range.first == range.second) return std::nullopt;
  if (std::next(range.first) != range.second) repeated = true;
  return std::string_view(range.first->value().data(), range.first->value().size());
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<HttpServer::Shared> shared)
      : stream_(std::move(socket)), shared_(std::move(shared)), remote_(peer_text(stream_.socket())) {
    ++shared_->connections;
    if (counted()) shared_->metrics.counts->connection_opened(metrics::Source::Http);
    boost::system::error_code ec;
    auto local = stream_.socket().local_endpoint(ec);
    if (!ec) local_ = local.address();
  }
  ~Session() {
    --shared_->connections;
    if (counted()) shared_->metrics.counts->connection_closed(metrics::Source::Http);
    // A client that went away while its trace ran: cancel it in the daemon.
    if (trace_id_ != 0 && !answered_) shared_->bridge->cancel(trace_id_);
  }

  void read_request() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(shared_->limits.max_request_bytes));
    parser_->body_limit(static_cast<std::uint64_t>(shared_->limits.max_request_bytes));
    // The whole request, slow or not, must arrive within the idle timeout.
    stream_.expires_after(std::chrono::milliseconds(shared_->limits.idle_timeout_ms));
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_request(ec); });
  }

  // Over the connection limit: one canned answer, then close.
  void refuse_busy() {
    refuse_busy(Error(ErrorCode::QuotaExceeded, "too many HTTP connections (http.max_connections " +
                                                    std::to_string(shared_->limits.max_connections) + ")"));
  }
  void refuse_busy(const Error& why) {
    Response r = error_response(why);
    r.status = 503;
    send(std::move(r), 11, false);
  }

  // Counts this connection under its caller (the uid owning a local peer's
  // socket, else the peer's address), or refuses it: one caller must not
  // hold every slot. The /metrics-only listener keeps the global cap alone.
  // Before any request is read, so an idle connection is refused too.
  std::optional<Error> take_caller_share() {
    if (shared_->metrics.only) return std::nullopt;
    boost::system::error_code local_ec, peer_ec;
    auto local = stream_.socket().local_endpoint(local_ec);
    auto peer = stream_.socket().remote_endpoint(peer_ec);
    if (local_ec || peer_ec) return std::nullopt;  // already gone: its first read fails and closes it
    auto key = caller_key(local_owner_uid(shared_->owners, Endpoint{local.address(), local.port()},
                                          Endpoint{peer.address(), peer.port()}),
                          peer.address());
    ConnectionQuota::Limits limits{shared_->limits.max_connections, shared_->limits.max_connections_per_caller};
    auto verdict = shared_->quota.admit(key, limits);
    if (auto* lease = std::get_if<ConnectionQuota::Lease>(&verdict)) {
      lease_.emplace(std::move(*lease));
      return std::nullopt;
    }
    const Error& refusal = std::get<Error>(verdict);
    if (auto unlogged = shared_->quota.log_refusal(key, std::chrono::steady_clock::now())) {
      std::string note = *unlogged == 0 ? std::string()
                                        : " (" + std::to_string(*unlogged) + " similar refusals not logged before this one)";
      spdlog::warn("http: refused a connection from {}: {}{}", remote_, refusal.what(), note);
    }
    return refusal;
  }

 private:
  // Trace API connections count in ddtr_connections; a metrics listener's scrapers do not.
  bool counted() const { return shared_->metrics.counts != nullptr && !shared_->metrics.only; }

  void on_request(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::operation_aborted ||
        ec == asio::error::connection_reset || ec == asio::error::eof) {
      return close();  // client done, idle, or gone
    }
    if (ec == bhttp::error::header_limit || ec == bhttp::error::body_limit) {
      return send(plain(431, "Request too large (http.max_request_bytes " +
                                 std::to_string(shared_->limits.max_request_bytes) + ")\n"),
                  11, false);
    }
    if (ec) return send(plain(400, "Bad Request: " + ec.message() + "\n"), 11, false);
    auto& request = parser_->get();
    int version = static_cast<int>(request.version());
    std::size_t fields = static_cast<std::size_t>(std::distance(request.begin(), request.end()));
    if (fields > static_cast<std::size_t>(shared_->limits.max_header_fields)) {
      return send(plain(431, "Too many header fields (http.max_header_fields " +
                                 std::to_string(shared_->limits.max_header_fields) + ")\n"),
                  version, false);
    }
    if (auto refusal = check_listener(request, version)) return send(std::move(*refusal), version, false);
    std::string_view target(request.target().data(), request.target().size());
    auto question = target.find('?');
    // Go routes on the decoded path, and refuses a bad escape before routing.
    auto path = path_unescape(target.substr(0, question));
    if (!path) return send(plain(400, "400 Bad Request"), version, false);
    std::string_view query = question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
    bool keep_alive = request.keep_alive();
    std::string method(request.method_string());
    if (*path == "/metrics" && shared_->metrics.render) {
      if (method != "GET" && method != "HEAD") return send(method_not_allowed_response(), version, keep_alive);
      bool repeated = false;
      auto authorization = header(request, "Authorization", repeated);
      return send(metrics_response(shared_->metrics, shared_->limits, shared_->listen_address,
                                   repeated ? std::string_view("repeated") : authorization.value_or(std::string_view()),
                                   method == "HEAD"),
                  version, keep_alive);
    }
    if (shared_->metrics.only) return send(not_found_response(), version, keep_alive);
    switch (route(method, *path)) {
      case Route::NotFound: return send(not_found_response(), version, keep_alive);
      case Route::MethodNotAllowed: return send(method_not_allowed_response(), version, keep_alive);
      case Route::Health: {
        auto uptime = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - shared_->started);
        Response r = health_response(std::chrono::system_clock::now(), uptime);
        if (method == "HEAD") r.body.clear();
        return send(std::move(r), version, keep_alive);
      }
      case Route::Traceroute: return start_trace(query, version);
    }
  }

  // Host must name this listener and a browser's request must come from it:
  // Go's 400s for a missing or repeated Host, our 403 for another name or site.
  std::optional<Response> check_listener(const bhttp::request<bhttp::empty_body>& request, int version) {
    bool repeated = false;
    auto host = header(request, "Host", repeated);
    if (repeated) return plain(400, "400 Bad Request: too many Host headers");
    if (!host && version >= 11) return plain(400, "400 Bad Request: missing required Host header");
    auto origin = header(request, "Origin", repeated);
    auto fetch_site = header(request, "Sec-Fetch-Site", repeated);
    ListenerNames names{shared_->listen_address, shared_->port, shared_->limits.allowed_hosts};
    try {
      if (repeated) throw Error(ErrorCode::PolicyDenied, "cross-site request refused: repeated Origin or Sec-Fetch-Site");
      check_host_and_origin(names, local_, host, origin, fetch_site);
    } catch (const Error& e) {
      // Not audited and not logged above debug: nothing was asked of the policy.
      spdlog::debug("http: refused {} from {}: {}", std::string(request.target().substr(0, 64)), remote_, e.what());
      return error_response(e);
    }
    return std::nullopt;
  }

  void start_trace(std::string_view query, int version) {
    HttpTraceRequest request;
    request.id = shared_->next_trace_id++;
    request.remote = remote_;
    request.caller = caller();
    auto& headers = parser_->get();
    if (auto it = headers.find(bhttp::field::authorization); it != headers.end()) {
      request.authorization = std::string(it->value());
    }
    try {
      request.params = traceroute_params(parse_query(query));
    } catch (const Error& e) {
      request.params = e;
    }
    trace_id_ = request.id;
    version_ = version;
    stream_.expires_never();  // a trace may take as long as its options say
    watch_for_hangup();
    std::weak_ptr<Session> weak = shared_from_this();
    auto outbox = shared_->outbox;
    shared_->bridge->start(std::move(request), [weak, outbox](engine::TraceOutcome outcome) {
      // RPC thread: hop back to the HTTP thread.
      outbox->post([weak, outcome = std::move(outcome)] {
        if (auto self = weak.lock()) self->on_outcome(outcome);
      });
    });
  }

  // Who is behind the connection: asked once, at its first trace request (a
  // health check or a refused request costs no lookup); a client waiting for
  // its answer still has its socket open.
  const LocalCaller& caller() {
    if (!caller_) {
      caller_.emplace();
      boost::system::error_code local_ec, peer_ec;
      auto local = stream_.socket().local_endpoint(local_ec);
      auto peer = stream_.socket().remote_endpoint(peer_ec);
      if (!local_ec && !peer_ec) {
        caller_ = local_caller(shared_->owners, shared_->listen_address, Endpoint{local.address(), local.port()},
                               Endpoint{peer.address(), peer.port()});
      }
    }
    return *caller_;
  }

  // While the trace runs nothing should arrive; readable means the client
  // closed (or sent junk): either way the answer has nobody to go to.
  void watch_for_hangup() {
    // The wait holds the session alive while the trace runs.
    stream_.socket().async_wait(tcp::socket::wait_read, [self = shared_from_this()](beast::error_code ec) {
      if (ec || self->answered_) return;
      // A peek that cannot block (MSG_PEEK | MSG_DONTWAIT through Asio, which
      // Windows' sockets also have: the non-blocking flag affects synchronous
      // calls only, never this loop's asynchronous ones).
      char byte;
      beast::error_code peek_ec;
      auto& socket = self->stream_.socket();
      socket.non_blocking(true, peek_ec);
      std::size_t received = 0;
      if (!peek_ec) received = socket.receive(boost::asio::buffer(&byte, 1), tcp::socket::message_peek, peek_ec);
      if (!peek_ec && received > 0) return;  // a pipelined request; it is answered by the close
      self->close();
    });
  }

  void on_outcome(const engine::TraceOutcome& outcome) {
    answered_ = true;
    beast::error_code ignored;
    stream_.socket().cancel(ignored);  // the hang-up watch
    if (auto* error = std::get_if<Error>(&outcome)) {
      send(error_response(*error), version_, false);
    } else {
      send(results_response(std::get<Results>(outcome)), version_, false);
    }
  }

  static Response plain(int status, std::string body) {
    return Response{status, "text/plain; charset=utf-8", std::move(body), {}};
  }

  void send(Response r, int version, bool keep_alive) {
    auto response = std::make_shared<bhttp::response<bhttp::string_body>>(static_cast<bhttp::status>(r.status), version);
    response->set(bhttp::field::content_type, r.content_type);
    response->set(bhttp::field::date, http_date(std::chrono::system_clock::now()));  // Go's server sends one on every answer
    for (auto& [name, value] : r.headers) response->set(name, value);
    response->body() = std::move(r.body);
    response->keep_alive(keep_alive);
    response->prepare_payload();
    stream_.expires_after(std::chrono::milliseconds(shared_->limits.idle_timeout_ms));
    bhttp::async_write(stream_, *response,
                       [self = shared_from_this(), response, keep_alive](beast::error_code ec, std::size_t) {
                         if (ec || !keep_alive) return self->close();
                         self->read_request();
                       });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  std::shared_ptr<HttpServer::Shared> shared_;
  std::string remote_;
  IpAddress local_;                          // the address the peer reached
  std::optional<LocalCaller> caller_;         // who is behind the peer socket, once asked
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::empty_body>> parser_;
  std::uint64_t trace_id_ = 0;
  int version_ = 11;
  bool answered_ = false;
  std::optional<ConnectionQuota::Lease> lease_;  // this connection's place in its caller's share
};

void accept_loop(const std::shared_ptr<HttpServer::Shared>& shared) {
  shared->acceptor.async_accept([shared](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;  // shutting down
    if (ec) {
      // Out of descriptors, say: pause instead of spinning, never give up.
      spdlog::error("http: accept failed: {}; retrying in 100 ms", ec.message());
      shared->retry.expires_after(std::chrono::milliseconds(100));
      shared->retry.async_wait([shared](beast::error_code wait_ec) {
        if (!wait_ec) accept_loop(shared);
      });
      return;
    }
    auto session = std::make_shared<Session>(std::move(socket), shared);
    if (shared->connections > shared->limits.max_connections) {
      session->refuse_busy();
    } else if (auto refusal = session->take_caller_share()) {
      session->refuse_busy(*refusal);
    } else {
      session->read_request();
    }
    accept_loop(shared);
  });
}

}  // namespace

HttpServer::HttpServer(const policy::HttpConfig& limits, const policy::ListenAddress& listen, std::shared_ptr<TraceBridge> bridge,
                       MetricsEndpoint metrics)
    : HttpServer(limits, HttpListener(listen), std::move(bridge), std::move(metrics)) {}

HttpServer::HttpServer(const policy::HttpConfig& limits, HttpListener&& listener, std::shared_ptr<TraceBridge> bridge,
                       MetricsEndpoint metrics)
    : shared_(std::make_shared<Shared>(io_, limits, std::move(bridge), std::move(metrics))) {
  auto& acceptor = shared_->acceptor;
  auto [protocol, handle] = listener.release();
  beast::error_code ec;
  acceptor.assign(protocol, handle, ec);
  if (ec) throw Error(ErrorCode::Unknown, "cannot listen for HTTP on " + listener.where() + ": " + ec.message());
  auto local = acceptor.local_endpoint();
  port_ = local.port();
  bound_ = policy::ListenAddress{local.address(), port_};
  shared_->listen_address = local.address();
  shared_->port = port_;
  accept_loop(shared_);
  thread_ = std::thread([this] {
    for (;;) {
      try {
        io_.run();
        return;
      } catch (const std::exception& e) {
        spdlog::error("http: unexpected exception in a handler: {}", e.what());
      }
    }
  });
}

void HttpServer::apply(const policy::HttpConfig& config) {
  asio::post(io_, [shared = shared_, config] { shared->limits = config; });
}

HttpServer::~HttpServer() {
  // No reply may be posted to the loop from here on; then stop it.
  shared_->outbox->close();
  asio::post(io_, [shared = shared_] {
    beast::error_code ignored;
    shared->acceptor.close(ignored);
    shared->retry.cancel();
  });
  io_.stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace ddtr::http
