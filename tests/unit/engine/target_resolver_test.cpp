#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "daemon/engine/target_resolver.hpp"

namespace ddtr::engine {
namespace {

TEST(SplitTarget, Shapes) {
  auto t = split_target("203.0.113.5", 80);
  EXPECT_EQ(t.host, "203.0.113.5");
  EXPECT_EQ(t.port_text, "80");
  t = split_target("203.0.113.5:443", 80);
  EXPECT_EQ(t.host, "203.0.113.5");
  EXPECT_EQ(t.port_text, "443");
  t = split_target("2001:db8::1", 33434);  // bare IPv6 never has a port
  EXPECT_EQ(t.host, "2001:db8::1");
  EXPECT_EQ(t.port_text, "33434");
  t = split_target("[2001:db8::1]", 33434);
  EXPECT_EQ(t.host, "2001:db8::1");
  t = split_target("[2001:db8::1]:53", 33434);
  EXPECT_EQ(t.host, "2001:db8::1");
  EXPECT_EQ(t.port_text, "53");
  t = split_target("example.test:x", 1);
  EXPECT_EQ(t.port_text, "x");
}

TEST(SplitTarget, MalformedIsInvalidRequest) {
  try {
    split_target("[2001:db8::1]:53]", 1);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidRequest);
    EXPECT_NE(std::string(e.what()).find("invalid target: invalid address:"), std::string::npos);
  }
}

TEST(ParseTargetPort, Range) {
  EXPECT_EQ(parse_target_port("1"), 1);
  EXPECT_EQ(parse_target_port("65535"), 65535);
  for (const char* bad : {"0", "65536", "-1", "x", "", "80x"}) {
    try {
      parse_target_port(bad);
      FAIL() << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::InvalidRequest);
      EXPECT_EQ(std::string(e.what()), std::string("invalid target: invalid port: ") + bad);
    }
  }
}

// The system's resolver settings; only literals and the hosts file are asked
// of it (no packet leaves the machine).
ResolveResult resolve(const std::string& raw, bool want_v6) {
  boost::asio::io_context io;
  TargetResolver resolver(io);
  std::optional<ResolveResult> out;
  auto pending = resolver.resolve(0, raw, 33434, want_v6, [&](ResolveResult r) { out = std::move(r); });
  io.run();
  return std::move(*out);
}

TEST(ResolveTarget, LiteralsNeedNoResolver) {
  auto r = resolve("203.0.113.5:8080", false);
  ASSERT_TRUE(std::holds_alternative<Endpoint>(r));
  EXPECT_EQ(std::get<Endpoint>(r).address.to_string(), "203.0.113.5");
  EXPECT_EQ(std::get<Endpoint>(r).port, 8080);
  // IP literals ignore want_v6, as upstream.
  r = resolve("2001:db8::1", false);
  ASSERT_TRUE(std::holds_alternative<Endpoint>(r));
  EXPECT_TRUE(std::get<Endpoint>(r).address.is_v6());
}

TEST(ResolveTarget, LocalhostFromHostsFile) {
  auto r = resolve("localhost", false);
  ASSERT_TRUE(std::holds_alternative<Endpoint>(r));
  EXPECT_TRUE(std::get<Endpoint>(r).address.is_v4());
}

TEST(ResolveTarget, BadPortAfterLiteral) {
  auto r = resolve("203.0.113.5:99999", false);
  ASSERT_TRUE(std::holds_alternative<Error>(r));
  EXPECT_EQ(std::get<Error>(r).code(), ErrorCode::InvalidRequest);
}

TEST(ResolveTarget, EmptyHostIsDns) {
  auto r = resolve(":80", false);
  ASSERT_TRUE(std::holds_alternative<Error>(r));
  EXPECT_EQ(std::get<Error>(r).code(), ErrorCode::Dns);
  EXPECT_STREQ(std::get<Error>(r).what(), "failed to resolve host \"\": no such host");
}

}  // namespace
}  // namespace ddtr::engine
