#include "daemon/http/responses.hpp"

#include <gtest/gtest.h>

#include "daemon/http/go_duration.hpp"

namespace ddtr::http {
namespace {

using namespace std::chrono_literals;

// Go's http.TimeFormat, which its server puts in every answer's Date header.
TEST(Responses, DateHeaderIsGosTimeFormat) {
  using namespace std::chrono;
  // 2026-12-04 20:17:33 UTC, a Friday; 1970-01-01 was a Thursday.
  EXPECT_EQ(http_date(sys_days(year(2026) / 12 / 4) + 20h + 17min + 33s + 999ms), "Fri, 04 Dec 2026 20:17:33 GMT");
  EXPECT_EQ(http_date(system_clock::time_point{}), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(http_date(sys_days(year(2024) / 2 / 29) + 23h + 59min + 59s), "Thu, 29 Feb 2024 23:59:59 GMT");
}

TEST(Responses, RoutesAsTheGoMux) {
  EXPECT_EQ(route("GET", "/traceroute"), Route::Traceroute);
  EXPECT_EQ(route("HEAD", "/traceroute"), Route::MethodNotAllowed);
  EXPECT_EQ(route("POST", "/traceroute"), Route::MethodNotAllowed);
  EXPECT_EQ(route("GET", "/health"), Route::Health);
  EXPECT_EQ(route("HEAD", "/health"), Route::Health);
  EXPECT_EQ(route("DELETE", "/health"), Route::MethodNotAllowed);
  EXPECT_EQ(route("GET", "/"), Route::NotFound);
  EXPECT_EQ(route("GET", "/traceroute/"), Route::NotFound);
  EXPECT_EQ(route("GET", "/Health"), Route::NotFound);
}

TEST(Responses, StatusPerCode) {
  EXPECT_EQ(status_for(ErrorCode::InvalidRequest), 400);
  EXPECT_EQ(status_for(ErrorCode::Dns), 500);
  EXPECT_EQ(status_for(ErrorCode::Timeout), 500);
  EXPECT_EQ(status_for(ErrorCode::ConnRefused), 500);
  EXPECT_EQ(status_for(ErrorCode::Denied), 500);
  EXPECT_EQ(status_for(ErrorCode::Unknown), 500);
  EXPECT_EQ(status_for(ErrorCode::Unauthorized), 401);
  EXPECT_EQ(status_for(ErrorCode::PolicyDenied), 403);
  EXPECT_EQ(status_for(ErrorCode::QuotaExceeded), 429);
}

TEST(Responses, ErrorBodyIsGoJsonWithNewline) {
  Response r = error_response(Error(ErrorCode::Dns, "lookup <x>: no such host\nand more"));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, "{\"code\":\"DNS\",\"message\":\"lookup \\u003cx\\u003e: no such host\\nand more\"}\n");
  Response u = error_response(Error(ErrorCode::Unauthorized, "unknown bearer token"));
  ASSERT_EQ(u.headers.size(), 1u);
  EXPECT_EQ(u.headers[0].first, "WWW-Authenticate");
}

TEST(Responses, PlainTextPages) {
  EXPECT_EQ(not_found_response().status, 404);
  EXPECT_EQ(not_found_response().body, "404 page not found\n");
  EXPECT_EQ(not_found_response().content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(method_not_allowed_response().status, 405);
  EXPECT_EQ(method_not_allowed_response().body, "Method not allowed\n");
}

TEST(Responses, Health) {
  auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1773735921));  // 2026-03-17T08:25:21Z
  Response r = health_response(now, 1h + 2min + 3s + 456789012ns);
  EXPECT_EQ(r.body, "{\"status\":\"healthy\",\"timestamp\":\"2026-03-17T08:25:21Z\",\"uptime\":\"1h2m3.456789012s\"}\n");
}

TEST(GoDuration, MatchesGo) {
  EXPECT_EQ(go_duration(0ns), "0s");
  EXPECT_EQ(go_duration(1ns), "1ns");
  EXPECT_EQ(go_duration(999ns), "999ns");
  EXPECT_EQ(go_duration(1500ns), "1.5\u00b5s");
  EXPECT_EQ(go_duration(1ms), "1ms");
  EXPECT_EQ(go_duration(709724768ns), "709.724768ms");
  EXPECT_EQ(go_duration(1s), "1s");
  EXPECT_EQ(go_duration(3500ms), "3.5s");
  EXPECT_EQ(go_duration(61s), "1m1s");
  EXPECT_EQ(go_duration(1h), "1h0m0s");
  EXPECT_EQ(go_duration(-2s), "-2s");
  EXPECT_EQ(go_duration(100h + 1ns), "100h0m0.000000001s");
}

}  // namespace
}  // namespace ddtr::http
