// GET /metrics on the daemon's HTTP server: the page the daemon renders (the
// HTTP room knows nothing of Prometheus), and who may read it. On a loopback
// listener anyone who can reach it; on any other, a bearer token of
// http.tokens (such a listener needs them to start; anonymous callers are
// refused there whatever http.anonymous_role says).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "daemon/http/responses.hpp"
#include "daemon/metrics/daemon_metrics.hpp"
#include "daemon/policy/policy_config.hpp"
#include "shared/common/ip_address.hpp"

namespace ddtr::http {

struct MetricsEndpoint {
  // The page and its content type; empty: no /metrics (404, as Go's server).
  std::function<std::string()> render;
  std::string content_type;
  // Where this server counts its trace API connections (null: nowhere).
  metrics::DaemonMetrics* counts = nullptr;
  // A --metrics-listen listener: /metrics alone, every other path 404.
  bool only = false;
};

// The answer to GET or HEAD /metrics on a listener bound to `listener`.
Response metrics_response(const MetricsEndpoint& endpoint, const policy::HttpConfig& http, const IpAddress& listener,
                          std::string_view authorization, bool head);

}  // namespace ddtr::http
