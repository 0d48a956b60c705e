// The engine's enrichment on Windows, under wine: the WinHTTP GET behind the
// public IP (against an HTTP server on loopback: wine has no network here),
// its deadline and its threads when the loop goes away first, and c-ares's
// reverse DNS on the Asio loop through the Windows socket watch.
#include <winsock2.h>
#include <ws2tcpip.h>

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <optional>
#include <thread>

#include "daemon/enrich/publicip/http_get.hpp"
#include "daemon/enrich/publicip/public_ip.hpp"
#include "daemon/enrich/reversedns/reverse_dns.hpp"
#include "platform/foreign_socket.hpp"
#include "platform/windows/common/winsock_session.hpp"

namespace ddtr::enrich {
namespace {

// Accepts connections on 127.0.0.1 and answers each with `reply` (or holds
// them open, silent, when `reply` is empty) until destroyed.
class LoopbackHttpServer {
 public:
  explicit LoopbackHttpServer(std::string reply) : reply_(std::move(reply)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(listener_, 8);
    int len = sizeof a;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] {
      for (;;) {
        SOCKET c = ::accept(listener_, nullptr, nullptr);
        if (c == INVALID_SOCKET) return;  // closed: the test is over
        ++requests_;
        char buffer[2048];
        ::recv(c, buffer, sizeof buffer, 0);  // the request (small, one segment on loopback)
        if (reply_.empty()) {
          held_.push_back(c);
          continue;
        }
        ::send(c, reply_.data(), static_cast<int>(reply_.size()), 0);
        ::shutdown(c, SD_SEND);
        ::closesocket(c);
      }
    });
  }
  ~LoopbackHttpServer() {
    ::closesocket(listener_);
    thread_.join();
    for (SOCKET c : held_) ::closesocket(c);
  }
  std::string url(const std::string& path = "/") const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  int requests() const { return requests_; }

 private:
  platform::windows::WinsockSession winsock_;
  std::string reply_;
  SOCKET listener_ = INVALID_SOCKET;
  int port_ = 0;
  std::atomic<int> requests_{0};
  std::vector<SOCKET> held_;
  std::thread thread_;
};

std::string response(int status, const std::string& reason, const std::string& body) {
  return "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + body;
}

TEST(WindowsWinHttpGet, StatusReasonAndBody) {
  LoopbackHttpServer server(response(200, "OK", "192.0.2.7\n"));
  boost::asio::io_context io;
  std::optional<HttpResult> result;
  http_get(io, server.url("/ip"), std::chrono::milliseconds(5000), [&](HttpResult r) { result = std::move(r); });
  io.run();
  ASSERT_TRUE(result.has_value());
  ASSERT_TRUE(std::holds_alternative<HttpResponse>(*result)) << std::get<Error>(*result).what();
  const auto& r = std::get<HttpResponse>(*result);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.reason, "OK");
  EXPECT_EQ(r.body, "192.0.2.7\n");
}

TEST(WindowsWinHttpGet, BadUrlIsAnInvalidRequest) {
  boost::asio::io_context io;
  std::optional<HttpResult> result;
  http_get(io, "ftp://example.invalid/", std::chrono::milliseconds(1000), [&](HttpResult r) { result = std::move(r); });
  io.run();
  ASSERT_TRUE(result.has_value());
  ASSERT_TRUE(std::holds_alternative<Error>(*result));
  EXPECT_EQ(std::get<Error>(*result).code(), ErrorCode::InvalidRequest);
}

TEST(WindowsWinHttpGet, ASilentServerIsATimeout) {
  LoopbackHttpServer server("");  // accepts, never answers
  boost::asio::io_context io;
  std::optional<HttpResult> result;
  http_get(io, server.url(), std::chrono::milliseconds(300), [&](HttpResult r) { result = std::move(r); });
  io.run();  // the deadline answers; leaving the test cancels the blocked request
  ASSERT_TRUE(result.has_value());
  ASSERT_TRUE(std::holds_alternative<Error>(*result));
  EXPECT_EQ(std::get<Error>(*result).code(), ErrorCode::Timeout) << std::get<Error>(*result).what();
}

TEST(WindowsWinHttpGet, TheLoopMayGoFirst) {
  // The io_context is destroyed with a request in flight: its service joins
  // the request's thread, which posts nothing into the dead loop.
  LoopbackHttpServer server("");
  bool called = false;
  {
    boost::asio::io_context io;
    http_get(io, server.url(), std::chrono::milliseconds(300), [&](HttpResult) { called = true; });
  }
  EXPECT_FALSE(called);
}

TEST(WindowsPublicIp, FirstCheckerThatAnswersAnAddress) {
  LoopbackHttpServer not_found(response(404, "Not Found", "no"));
  LoopbackHttpServer good(response(200, "OK", " 198.51.100.23 \n"));
  boost::asio::io_context io;
  PublicIpOptions options;
  options.urls = {not_found.url(), good.url()};
  PublicIp fetcher(io, options);
  std::optional<std::optional<std::string>> seen;
  fetcher.get("", [&](std::optional<std::string> ip) { seen = ip; });
  io.run();
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(*seen, std::optional<std::string>("198.51.100.23"));
  EXPECT_EQ(not_found.requests(), 1) << "a 4xx is final for that checker";
}

TEST(WindowsReverseDns, LoopbackLookupCompletesOnTheLoop) {
  // What wine's resolver answers for 127.0.0.1 depends on the host; the
  // lookup must answer once, through c-ares's sockets watched by Asio, within
  // its own deadline.
  boost::asio::io_context io;
  ReverseDnsOptions options;
  options.lookup_timeout = std::chrono::milliseconds(3000);
  std::optional<ReverseDns::Names> names;
  {
    ReverseDns dns(io, options);
    int answers = 0;
    dns.lookup(boost::asio::ip::make_address("127.0.0.1"), [&](ReverseDns::Names n) {
      ++answers;
      names = std::move(n);
    });
    while (!names && io.run_one() > 0) {
    }
    EXPECT_EQ(answers, 1);
  }
  ASSERT_TRUE(names.has_value());
  for (const auto& name : *names) EXPECT_EQ(name.back(), '.') << name;
  std::cerr << "127.0.0.1 -> " << (names->empty() ? std::string("(no name)") : names->front()) << "\n";
}

}  // namespace
}  // namespace ddtr::enrich

namespace ddtr::platform {
namespace {

// c-ares owns its sockets: a watch given one back must leave it open.
TEST(WindowsForeignSocketWatch, ReleaseLeavesTheSocketOpen) {
  windows::WinsockSession winsock;
  SOCKET s = ::socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
  ASSERT_NE(s, INVALID_SOCKET);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  int len = sizeof a;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  {
    boost::asio::io_context io;
    ForeignSocketWatch watch(io, s);
    bool readable = false;
    watch.async_wait_read([&](const boost::system::error_code& ec) { readable = !ec; });
    // A datagram to itself makes it readable.
    ::sendto(s, "x", 1, 0, reinterpret_cast<sockaddr*>(&a), sizeof a);
    io.run_one();
    EXPECT_TRUE(readable);
    watch.release();
  }
  char byte = 0;
  EXPECT_EQ(::recv(s, &byte, 1, 0), 1) << "still open and ours after the watch: " << ::WSAGetLastError();
  EXPECT_EQ(::closesocket(s), 0) << "closed once, by its owner: " << ::WSAGetLastError();
}

}  // namespace
}  // namespace ddtr::platform
