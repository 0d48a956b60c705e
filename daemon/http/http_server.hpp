// The Go server's HTTP API (GET /traceroute, GET|HEAD /health) on Boost.Beast,
// on a thread and loop of its own so that slow or hostile HTTP clients never
// touch the engine's loop or the RPC loop. Every trace goes through the
// TraceBridge to the gateway. Bounded: request size, header fields, open
// connections, idle time. Callers on a loopback listener are placed as the
// local user owning the peer socket; Host and Origin must name the listener.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <memory>
#include <thread>

#include "daemon/http/http_listener.hpp"
#include "daemon/http/metrics_route.hpp"
#include "daemon/http/trace_bridge.hpp"
#include "daemon/policy/policy_config.hpp"

namespace ddtr::http {

class HttpServer {
 public:
  // Binds at once (throws Error naming the address when it cannot) and serves
  // on its own thread until destroyed.
  // `metrics`: what GET /metrics serves (nothing by default).
  HttpServer(const policy::HttpConfig& limits, const policy::ListenAddress& listen, std::shared_ptr<TraceBridge> bridge,
             MetricsEndpoint metrics = {});
  // Serves a socket bound before (the daemon binds it before dropping root).
  HttpServer(const policy::HttpConfig& limits, HttpListener&& listener, std::shared_ptr<TraceBridge> bridge,
             MetricsEndpoint metrics = {});
  ~HttpServer();  // stops accepting, drops every session, joins the thread
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  std::uint16_t port() const { return port_; }
  // The address the socket is really bound to (what a reload is checked
  // against, whatever the policy file's http.listen now says).
  policy::ListenAddress bound() const { return bound_; }
  // After a reload: the new limits, tokens' companions and allowed hosts take
  // effect for the next connection and request (any thread).
  void apply(const policy::HttpConfig& config);

  struct Shared;

 private:
  boost::asio::io_context io_;
  std::shared_ptr<Shared> shared_;
  std::uint16_t port_ = 0;
  policy::ListenAddress bound_;
  std::thread thread_;
};

}  // namespace ddtr::http
