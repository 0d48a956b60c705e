// Issue 19 item 6: the public IP fetch follows redirects as Go's client does
// (bounded: "stopped after 10 redirects") and goes through the proxy the
// environment or the policy names: CONNECT for https://, the absolute URL for
// http://. The "checkers" behind the proxy are documentation addresses that
// are never dialled: the loopback proxy answers for them.
#include "daemon/enrich/publicip/http_get.hpp"

#include <gtest/gtest.h>

#include "loopback_http_server.hpp"

namespace ddtr::enrich {
namespace {

using namespace std::chrono_literals;
using testing::LoopbackHttpServer;

HttpResult fetch(boost::asio::io_context& io, const std::string& url, const HttpGetOptions& options = {}) {
  std::optional<HttpResult> result;
  http_get(io, url, 5s, [&](HttpResult r) { result = std::move(r); }, options);
  io.restart();
  while (!result && io.run_one() > 0) {
  }
  return std::move(*result);
}

std::string path_of(const std::string& request_line) {
  auto start = request_line.find(' ') + 1;
  return request_line.substr(start, request_line.find(' ', start) - start);
}

TEST(HttpGet, FollowsEveryRedirectStatus) {
  for (int status : {301, 302, 303, 307, 308}) {
    boost::asio::io_context io;
    LoopbackHttpServer server(io, [status](const std::string& line) {
      std::string path = path_of(line);
      if (path == "/start") return LoopbackHttpServer::answer(status, "Moved", "", "Location: /next/../ip\r\n");
      if (path == "/ip") return LoopbackHttpServer::answer(200, "OK", "198.51.100.7\n");
      return LoopbackHttpServer::answer(404, "Not Found", "");
    });
    auto result = fetch(io, server.url("/start"));
    ASSERT_TRUE(std::holds_alternative<HttpResponse>(result)) << status << ": " << std::get<Error>(result).what();
    EXPECT_EQ(std::get<HttpResponse>(result).body, "198.51.100.7\n") << status;
    EXPECT_EQ(server.requests(), (std::vector<std::string>{"GET /start HTTP/1.1", "GET /ip HTTP/1.1"})) << status;
  }
}

TEST(HttpGet, ARedirectLoopStopsAtTenRequestsWithGosError) {
  boost::asio::io_context io;
  LoopbackHttpServer server(io, [](const std::string&) {
    return LoopbackHttpServer::answer(302, "Found", "", "Location: /loop\r\n");
  });
  auto result = fetch(io, server.url("/loop"));
  ASSERT_TRUE(std::holds_alternative<Error>(result));
  EXPECT_STREQ(std::get<Error>(result).what(), "failed to fetch req: Get \"/loop\": stopped after 10 redirects");
  EXPECT_EQ(server.requests().size(), 10u);
}

TEST(HttpGet, ARedirectWithoutLocationIsTheAnswer) {
  boost::asio::io_context io;
  LoopbackHttpServer server(io, [](const std::string&) { return LoopbackHttpServer::answer(302, "Found", "198.51.100.8"); });
  auto result = fetch(io, server.url("/"));
  ASSERT_TRUE(std::holds_alternative<HttpResponse>(result));
  EXPECT_EQ(std::get<HttpResponse>(result).status, 302);
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(HttpGet, PlainHttpThroughTheProxyAsksForTheAbsoluteUrl) {
  boost::asio::io_context io;
  LoopbackHttpServer proxy(io, [](const std::string&) { return LoopbackHttpServer::answer(200, "OK", "198.51.100.9"); });
  HttpGetOptions options;
  options.proxy.http_proxy = "user:p%40ss@127.0.0.1:" + std::to_string(proxy.port());
  auto result = fetch(io, "http://192.0.2.1:8080/ip?x=1", options);
  ASSERT_TRUE(std::holds_alternative<HttpResponse>(result)) << std::get<Error>(result).what();
  EXPECT_EQ(std::get<HttpResponse>(result).body, "198.51.100.9");
  ASSERT_EQ(proxy.requests().size(), 1u);
  EXPECT_EQ(proxy.requests()[0], "GET http://192.0.2.1:8080/ip?x=1 HTTP/1.1");
  EXPECT_NE(proxy.heads()[0].find("Host: 192.0.2.1:8080\r\n"), std::string::npos);
  EXPECT_NE(proxy.heads()[0].find("Proxy-Authorization: Basic dXNlcjpwQHNz\r\n"), std::string::npos);  // user:p@ss
}

TEST(HttpGet, HttpsThroughTheProxyIsAConnectTunnel) {
  boost::asio::io_context io;
  LoopbackHttpServer proxy(io, [](const std::string&) { return LoopbackHttpServer::answer(403, "Forbidden", ""); });
  HttpGetOptions options;
  options.proxy.https_proxy = "http://127.0.0.1:" + std::to_string(proxy.port());
  auto result = fetch(io, "https://checker.example/ip", options);
  ASSERT_TRUE(std::holds_alternative<Error>(result));
  EXPECT_NE(std::string(std::get<Error>(result).what()).find("proxy refused CONNECT: 403 Forbidden"), std::string::npos)
      << std::get<Error>(result).what();
  ASSERT_EQ(proxy.requests().size(), 1u);
  EXPECT_EQ(proxy.requests()[0], "CONNECT checker.example:443 HTTP/1.1");
}

TEST(HttpGet, NoProxyAndLoopbackGoDirect) {
  boost::asio::io_context io;
  LoopbackHttpServer proxy(io, [](const std::string&) { return LoopbackHttpServer::answer(200, "OK", "198.51.100.1"); });
  LoopbackHttpServer checker(io, [](const std::string&) { return LoopbackHttpServer::answer(200, "OK", "198.51.100.2"); });
  HttpGetOptions options;
  options.proxy.http_proxy = "127.0.0.1:" + std::to_string(proxy.port());
  auto result = fetch(io, checker.url("/ip"), options);  // 127.0.0.1: never through a proxy (Go)
  ASSERT_TRUE(std::holds_alternative<HttpResponse>(result));
  EXPECT_EQ(std::get<HttpResponse>(result).body, "198.51.100.2");
  EXPECT_TRUE(proxy.requests().empty());
}

TEST(HttpGet, AnUnsupportedProxySchemeIsAClearError) {
  boost::asio::io_context io;
  HttpGetOptions options;
  options.proxy.https_proxy = "socks5://127.0.0.1:1080";
  auto result = fetch(io, "https://checker.example/", options);
  ASSERT_TRUE(std::holds_alternative<Error>(result));
  EXPECT_NE(std::string(std::get<Error>(result).what()).find("proxy scheme \"socks5\" is not supported"), std::string::npos);
}

}  // namespace
}  // namespace ddtr::enrich
