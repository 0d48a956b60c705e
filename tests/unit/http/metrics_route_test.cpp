#include "daemon/http/metrics_route.hpp"

#include <gtest/gtest.h>

namespace ddtr::http {
namespace {

MetricsEndpoint endpoint() {
  MetricsEndpoint e;
  e.render = [] { return std::string("ddtr_build_info{version=\"x\"} 1\n"); };
  e.content_type = "text/plain; version=0.0.4; charset=utf-8";
  return e;
}

TEST(MetricsRoute, LoopbackListenerServesAnyone) {
  policy::HttpConfig http;
  auto r = metrics_response(endpoint(), http, boost::asio::ip::make_address("127.0.0.1"), "", false);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(r.body, "ddtr_build_info{version=\"x\"} 1\n");
  auto v6 = metrics_response(endpoint(), http, boost::asio::ip::make_address("::1"), "", false);
  EXPECT_EQ(v6.status, 200);
}

TEST(MetricsRoute, HeadHasNoBody) {
  policy::HttpConfig http;
  auto r = metrics_response(endpoint(), http, boost::asio::ip::make_address("127.0.0.1"), "", true);
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body.empty());
}

TEST(MetricsRoute, OtherListenersWantAToken) {
  policy::HttpConfig http;  // anonymous role: whatever the default is, no token is no page
  http.anonymous_role = policy::Role::Denied;
  auto r = metrics_response(endpoint(), http, boost::asio::ip::make_address("192.0.2.1"), "", false);
  EXPECT_EQ(r.status, 401);
  auto bad = metrics_response(endpoint(), http, boost::asio::ip::make_address("192.0.2.1"), "Bearer nope", false);
  EXPECT_EQ(bad.status, 401);
}

TEST(MetricsRoute, OtherListenersRefuseAnonymousWhateverTheRole) {
  policy::HttpConfig http;
  http.anonymous_role = policy::Role::User;  // a reload may say so; the page still wants a token
  auto r = metrics_response(endpoint(), http, boost::asio::ip::make_address("192.0.2.1"), "", false);
  EXPECT_EQ(r.status, 401);
}

TEST(MetricsRoute, OtherListenersServeAValidToken) {
  policy::HttpConfig http;
  http.anonymous_role = policy::Role::Denied;
  policy::HttpToken token;
  token.name = "prometheus";
  token.sha256 = {0xeb, 0x5a, 0x63, 0xe4, 0x2b, 0x6b, 0x49, 0x83, 0x64, 0xb3, 0xf1, 0x0d, 0x5c, 0x3b, 0xb7, 0x1c, 0xd8, 0xc7, 0xa7, 0xa9, 0xad, 0x16, 0x52, 0x48, 0x75, 0x55, 0x7f, 0xa2, 0xe5, 0x2f, 0x5d, 0x41};  // sha256("metrics-token")
  http.tokens.push_back(token);
  auto r = metrics_response(endpoint(), http, boost::asio::ip::make_address("192.0.2.1"), "Bearer metrics-token", false);
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(r.body.empty());
}

}  // namespace
}  // namespace ddtr::http
