#include "daemon/http/host_check.hpp"

#include <gtest/gtest.h>

#include "shared/common/error.hpp"

namespace ddtr::http {
namespace {

IpAddress ip(const char* text) { return boost::asio::ip::make_address(text); }

ListenerNames loopback_listener() { return {ip("127.0.0.1"), 3765, {}}; }

// Empty when allowed, else the refusal's code name.
std::string verdict(const ListenerNames& names, std::optional<std::string_view> host,
                    std::optional<std::string_view> origin = std::nullopt,
                    std::optional<std::string_view> fetch_site = std::nullopt, const char* local = "127.0.0.1") {
  try {
    check_host_and_origin(names, ip(local), host, origin, fetch_site);
    return "";
  } catch (const Error& e) {
    return std::string(error_code_name(e.code()));
  }
}

TEST(HostPort, Parses) {
  auto a = parse_host_port("LocalHost.:3765");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "localhost");
  EXPECT_EQ(a->port, 3765);
  auto b = parse_host_port("[::1]");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->host, "::1");
  EXPECT_FALSE(b->port);
  auto c = parse_host_port("example.com:");
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->port);
  for (const char* bad : {"", ":80", "::1", "[::1", "[fe80::1%25lo]", "host:0", "host:65536", "host:8x", "a b",
                          "user@host", "host/path", "[::1]x", "[not-v6]:80"}) {
    EXPECT_FALSE(parse_host_port(bad)) << bad;
  }
}

TEST(HostCheck, LoopbackNamesAndAddressesWithOrWithoutThePort) {
  auto names = loopback_listener();
  for (const char* host : {"127.0.0.1:3765", "127.0.0.1", "localhost", "LOCALHOST:3765", "localhost.", "[::1]:3765",
                           "[::1]", "127.0.0.2", "[::ffff:127.0.0.1]:3765"}) {
    EXPECT_EQ(verdict(names, host), "") << host;
  }
}

TEST(HostCheck, OtherNamesOrPortsAreRefused) {
  auto names = loopback_listener();
  // DNS rebinding: a name of the attacker's that now points at 127.0.0.1.
  for (const char* host : {"evil.example", "evil.example:3765", "localhost.evil.example", "127.0.0.1:80",
                           "localhost:8080", "192.0.2.5:3765", "0x7f.1", "", "[fe80::1]:3765"}) {
    EXPECT_EQ(verdict(names, host), "POLICY_DENIED") << host;
  }
}

TEST(HostCheck, AbsentHostIsLeftToTheSession) { EXPECT_EQ(verdict(loopback_listener(), std::nullopt), ""); }

TEST(HostCheck, ConfiguredNamesAndPorts) {
  auto names = loopback_listener();
  names.allowed_hosts = {"tracer.internal", "Tunnel.Example:8080", "198.51.100.7"};
  EXPECT_EQ(verdict(names, "tracer.internal:3765"), "");
  EXPECT_EQ(verdict(names, "TRACER.internal"), "");
  EXPECT_EQ(verdict(names, "tracer.internal:8080"), "POLICY_DENIED") << "not the listener's port, not listed";
  EXPECT_EQ(verdict(names, "tunnel.example:8080"), "") << "an entry's own port";
  EXPECT_EQ(verdict(names, "tunnel.example:3765"), "");
  EXPECT_EQ(verdict(names, "198.51.100.7"), "");
  EXPECT_EQ(verdict(names, "tracer.internal.evil"), "POLICY_DENIED");
}

TEST(HostCheck, TheListenAndTheReachedAddress) {
  ListenerNames specific{ip("192.0.2.5"), 3766, {}};
  EXPECT_EQ(verdict(specific, "192.0.2.5:3766", std::nullopt, std::nullopt, "192.0.2.5"), "");
  EXPECT_EQ(verdict(specific, "192.0.2.6:3766", std::nullopt, std::nullopt, "192.0.2.5"), "POLICY_DENIED");
  // Listening on every address: the address the connection reached names it.
  ListenerNames wildcard{ip("::"), 3766, {}};
  EXPECT_EQ(verdict(wildcard, "[2001:db8::5]:3766", std::nullopt, std::nullopt, "2001:db8::5"), "");
  EXPECT_EQ(verdict(wildcard, "[2001:db8::6]:3766", std::nullopt, std::nullopt, "2001:db8::5"), "POLICY_DENIED");
}

TEST(OriginCheck, SameOriginOrNoneIsServed) {
  auto names = loopback_listener();
  EXPECT_EQ(verdict(names, "127.0.0.1:3765", "http://127.0.0.1:3765"), "");
  EXPECT_EQ(verdict(names, "localhost:3765", "http://localhost:3765"), "");
  EXPECT_EQ(verdict(names, "localhost:3765", "HTTP://[::1]:3765"), "");
  EXPECT_EQ(verdict(names, "127.0.0.1:3765", std::nullopt, "same-origin"), "");
  EXPECT_EQ(verdict(names, "127.0.0.1:3765", std::nullopt, "none"), "");
}

TEST(OriginCheck, CrossSiteIsRefused) {
  auto names = loopback_listener();
  for (const char* origin : {"https://evil.example", "http://evil.example:3765", "null", "http://localhost",
                             "http://127.0.0.1:8080", "https://127.0.0.1", "file://", "http://127.0.0.1:3765/path",
                             "http://user@127.0.0.1:3765", "ws://127.0.0.1:3765", ""}) {
    EXPECT_EQ(verdict(names, "127.0.0.1:3765", origin), "POLICY_DENIED") << origin;
  }
  // An <img> or form GET from another site carries no Origin, only this.
  EXPECT_EQ(verdict(names, "127.0.0.1:3765", std::nullopt, "cross-site"), "POLICY_DENIED");
  EXPECT_EQ(verdict(names, "127.0.0.1:3765", std::nullopt, "Same-Site"), "POLICY_DENIED");
}

TEST(OriginCheck, TheMessageSaysWhyWithoutEchoingTheHeader) {
  try {
    check_host_and_origin(loopback_listener(), ip("127.0.0.1"), "127.0.0.1:3765", "https://\"evil\".example", std::nullopt);
    FAIL();
  } catch (const Error& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("cross-site request refused"), std::string::npos) << message;
    EXPECT_NE(message.find("127.0.0.1:3765"), std::string::npos) << message;
    EXPECT_EQ(message.find("evil"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace ddtr::http
