// One HTTP(S) GET over IPv4 (as upstream's fetcher dials tcp4 only), with
// Boost.Beast on the engine's loop: status and body, or an error. TLS
// verifies the peer against the system's CA store and sends SNI. As Go's
// client: through the proxy ProxySettings names (CONNECT for https://, the
// absolute URL for http://), redirects (301, 302, 303, 307, 308) followed up
// to 10 requests in all.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <variant>

#include "daemon/enrich/publicip/proxy_rules.hpp"
#include "shared/common/error.hpp"

namespace ddtr::enrich {

struct HttpResponse {
  int status = 0;
  std::string reason;
  std::string body;
};

using HttpResult = std::variant<HttpResponse, Error>;

struct HttpGetOptions {
  ProxySettings proxy;  // empty: direct
  int max_requests = 10;  // Go's CheckRedirect: "stopped after 10 redirects"
};

// `done` runs once on the io_context's thread. Bodies are limited to 64 KiB;
// `timeout` bounds the whole exchange, redirects included.
void http_get(boost::asio::io_context& io, const std::string& url, std::chrono::milliseconds timeout,
              std::function<void(HttpResult)> done, const HttpGetOptions& options = {});

}  // namespace ddtr::enrich
