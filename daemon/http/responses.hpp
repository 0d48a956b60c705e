// What the Go server answers, as plain values: routes, statuses, bodies. The
// socket code only writes them.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "shared/common/error.hpp"
#include "shared/result/results.hpp"

namespace ddtr::http {

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // beyond Content-Type
};

enum class Route { Traceroute, Health, NotFound, MethodNotAllowed };

// The Go default mux: exact paths; /traceroute takes GET, /health GET and HEAD.
Route route(std::string_view method, std::string_view path);

// Upstream: 400 for INVALID_REQUEST, else 500. The daemon's own refusals get
// the status HTTP has for them: 401 UNAUTHORIZED, 403 POLICY_DENIED, 429
// QUOTA_EXCEEDED, 503 DAEMON_UNAVAILABLE.
int status_for(ErrorCode code);

Response error_response(const Error& error);          // {"code":..,"message":..}\n
Response results_response(const Results& results);    // compact Go JSON + \n
Response health_response(std::chrono::system_clock::time_point now, std::chrono::nanoseconds uptime);
// Go's net/http Date header value (http.TimeFormat, UTC): "Fri, 04 Dec 2026 20:17:33 GMT".
std::string http_date(std::chrono::system_clock::time_point now);

Response not_found_response();                        // "404 page not found\n", text/plain
Response method_not_allowed_response();               // "Method not allowed\n", text/plain

}  // namespace ddtr::http
