// Issue 19 item 6: a redirect's Location against the URL that answered it.
#include <gtest/gtest.h>

#include "daemon/enrich/publicip/url.hpp"

namespace ddtr::enrich {
namespace {

std::string resolved(const std::string& base, const std::string& location) {
  auto b = parse_url(base);
  EXPECT_TRUE(b) << base;
  auto u = resolve_location(*b, location);
  return u ? u->text() : "-";
}

TEST(RedirectLocation, EveryFormServersSend) {
  EXPECT_EQ(resolved("https://a.example/x/y?q", "https://b.example:8443/ip"), "https://b.example:8443/ip");
  EXPECT_EQ(resolved("https://a.example/x/y", "//c.example/ip"), "https://c.example/ip");
  EXPECT_EQ(resolved("http://a.example:81/x/y", "/ip"), "http://a.example:81/ip");
  EXPECT_EQ(resolved("http://a.example/x/y", "z"), "http://a.example/x/z");
  EXPECT_EQ(resolved("http://a.example/x/y", "../z/./w"), "http://a.example/z/w");
  EXPECT_EQ(resolved("http://a.example/x/y?old", "?new"), "http://a.example/x/y?new");
  EXPECT_EQ(resolved("http://a.example/x", "/ip#fragment"), "http://a.example/ip");
  EXPECT_EQ(resolved("http://[2001:db8::1]:8080/", "/ip"), "http://[2001:db8::1]:8080/ip");
  EXPECT_EQ(resolved("http://a.example/", "ftp://b.example/"), "-");
}

TEST(RedirectLocation, ParsesCheckerUrls) {
  auto u = parse_url("HTTPS://icanhazip.com");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->port, "443");
  EXPECT_EQ(u->target, "/");
  EXPECT_EQ(u->authority(), "icanhazip.com:443");
  EXPECT_EQ(u->host_port(), "icanhazip.com");
  EXPECT_FALSE(parse_url("icanhazip.com"));
}

}  // namespace
}  // namespace ddtr::enrich
