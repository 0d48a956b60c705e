#include "daemon/http/responses.hpp"

#include <cstdio>
#include <ctime>

#include "daemon/http/go_duration.hpp"
#include "platform/utc_time.hpp"
#include "shared/result/go_json.hpp"

namespace ddtr::http {
namespace {

Response plain_text(int status, std::string body) {
  // As Go's http.Error and http.NotFound.
  return Response{status, "text/plain; charset=utf-8", std::move(body), {{"X-Content-Type-Options", "nosniff"}}};
}

}  // namespace

std::string http_date(std::chrono::system_clock::time_point now) {
  using namespace std::chrono;
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto day = floor<days>(now);
  year_month_day ymd(day);
  hh_mm_ss<seconds> time(floor<seconds>(now - day));
  char out[40];
  std::snprintf(out, sizeof out, "%s, %02u %s %04d %02d:%02d:%02d GMT", kDays[weekday(day).c_encoding()],
                static_cast<unsigned>(ymd.day()), kMonths[static_cast<unsigned>(ymd.month()) - 1],
                static_cast<int>(ymd.year()), static_cast<int>(time.hours().count()),
                static_cast<int>(time.minutes().count()), static_cast<int>(time.seconds().count()));
  return out;
}

Route route(std::string_view method, std::string_view path) {
  if (path == "/traceroute") return method == "GET" ? Route::Traceroute : Route::MethodNotAllowed;
  if (path == "/health") return method == "GET" || method == "HEAD" ? Route::Health : Route::MethodNotAllowed;
  return Route::NotFound;
}

int status_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidRequest: return 400;
    case ErrorCode::Unauthorized: return 401;
    case ErrorCode::PolicyDenied: return 403;
    case ErrorCode::QuotaExceeded: return 429;
    case ErrorCode::DaemonUnavailable: return 503;
    default: return 500;
  }
}

Response error_response(const Error& error) {
  Response r;
  r.status = status_for(error.code());
  r.body = "{\"code\":" + go_quote(error_code_name(error.code())) + ",\"message\":" + go_quote(error.what()) + "}\n";
  if (error.code() == ErrorCode::Unauthorized) r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"datadog-traceroute\"");
  if (error.code() == ErrorCode::QuotaExceeded) r.headers.emplace_back("Retry-After", "1");
  return r;
}

Response results_response(const Results& results) {
  Response r;
  r.body = to_go_json(results, 0) + "\n";
  return r;
}

Response health_response(std::chrono::system_clock::time_point now, std::chrono::nanoseconds uptime) {
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  const std::tm tm = platform::utc_tm(t);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  Response r;
  r.body = "{\"status\":\"healthy\",\"timestamp\":\"" + std::string(stamp) + "\",\"uptime\":" + go_quote(go_duration(uptime)) +
           "}\n";
  return r;
}

Response not_found_response() { return plain_text(404, "404 page not found\n"); }

Response method_not_allowed_response() { return plain_text(405, "Method not allowed\n"); }

}  // namespace ddtr::http
