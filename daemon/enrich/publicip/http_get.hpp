// One HTTP(S) GET over IPv4 (as upstream's fetcher dials tcp4 only), with
// Boost.Beast on the engine's loop: status and body, or an error. TLS
// verifies the peer against the system's CA store and sends SNI.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <variant>

#include "shared/common/error.hpp"

namespace ddtr::enrich {

struct HttpResponse {
  int status = 0;
  std::string reason;
  std::string body;
};

using HttpResult = std::variant<HttpResponse, Error>;

// `done` runs once on the io_context's thread. Bodies are limited to 64 KiB.
void http_get(boost::asio::io_context& io, const std::string& url, std::chrono::milliseconds timeout,
              std::function<void(HttpResult)> done);

}  // namespace ddtr::enrich
