#include "daemon/http/query_params.hpp"

#include <gtest/gtest.h>

#include "shared/common/error.hpp"

namespace ddtr::http {
namespace {

TraceParams params(std::string_view query) { return traceroute_params(parse_query(query)); }

// The mux routes on Go's decoded URL.Path (issue 19 item 9).
TEST(QueryParams, PathIsPercentDecodedAsGos) {
  EXPECT_EQ(path_unescape("/trace%72oute"), "/traceroute");
  EXPECT_EQ(path_unescape("/%68ealth"), "/health");
  EXPECT_EQ(path_unescape("/a+b"), "/a+b");  // '+' is no space in a path
  EXPECT_EQ(path_unescape("/traceroute"), "/traceroute");
  EXPECT_FALSE(path_unescape("/trace%7"));
  EXPECT_FALSE(path_unescape("/trace%zzroute"));
}

TEST(QueryParams, DefaultsAreTheGoServers) {
  TraceParams p = params("target=192.0.2.1");
  EXPECT_EQ(p.hostname, "192.0.2.1");
  EXPECT_EQ(p.protocol, "udp");
  EXPECT_EQ(p.port, 33434);
  EXPECT_EQ(p.traceroute_queries, 3);
  EXPECT_EQ(p.max_ttl, 30);
  EXPECT_EQ(p.timeout_ms, 3000);
  EXPECT_EQ(p.tcp_method, "syn");
  EXPECT_EQ(p.e2e_queries, 50);
  EXPECT_FALSE(p.want_v6 || p.reverse_dns || p.collect_source_public_ip || p.use_windows_driver || p.skip_private_hops);
  EXPECT_EQ(p.min_ttl, 1);
  EXPECT_EQ(p.delay_ms, 50);
}

TEST(QueryParams, EveryParameter) {
  TraceParams p = params(
      "target=host.example&protocol=tcp&port=443&traceroute-queries=2&max-ttl=12&timeout=500&tcp-method=sack&"
      "e2e-queries=7&ipv6=true&reverse-dns=1&source-public-ip=T&windows-driver=True&skip-private-hops=TRUE");
  EXPECT_EQ(p.hostname, "host.example");
  EXPECT_EQ(p.protocol, "tcp");
  EXPECT_EQ(p.port, 443);
  EXPECT_EQ(p.traceroute_queries, 2);
  EXPECT_EQ(p.max_ttl, 12);
  EXPECT_EQ(p.timeout_ms, 500);
  EXPECT_EQ(p.tcp_method, "sack");
  EXPECT_EQ(p.e2e_queries, 7);
  EXPECT_TRUE(p.want_v6 && p.reverse_dns && p.collect_source_public_ip && p.use_windows_driver && p.skip_private_hops);
}

TEST(QueryParams, MissingOrEmptyTargetIsInvalid) {
  for (const char* q : {"", "protocol=icmp", "target=", "target"}) {
    try {
      params(q);
      FAIL() << q;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::InvalidRequest);
      EXPECT_STREQ(e.what(), "missing required parameter: target");
    }
  }
}

TEST(QueryParams, UnparsableIntegersFallBackSilently) {
  TraceParams p = params("target=x&port=http&max-ttl=3.5&timeout=&traceroute-queries=0x10&e2e-queries=%2B9");
  EXPECT_EQ(p.port, 33434);
  EXPECT_EQ(p.max_ttl, 30);
  EXPECT_EQ(p.timeout_ms, 3000);
  EXPECT_EQ(p.traceroute_queries, 3);
  EXPECT_EQ(p.e2e_queries, 9);  // "+9": Atoi takes a sign
  EXPECT_EQ(params("target=x&port=-5").port, -5);  // validation refuses it later
  EXPECT_EQ(params("target=x&port=99999999999999999999").port, 33434);  // overflow: not an int
  EXPECT_EQ(params("target=x&port=9999999999").port, 2147483647);  // an int64 Go keeps; clamped, still invalid
  EXPECT_EQ(params("target=x&max-ttl=286").max_ttl & 0xff, 30);  // TTLs keep their low bits
}

TEST(QueryParams, BoolsTakeGoSpellingsElseTheDefault) {
  EXPECT_TRUE(params("target=x&ipv6=t").want_v6);
  EXPECT_FALSE(params("target=x&ipv6=yes").want_v6);
  EXPECT_FALSE(params("target=x&ipv6=False").want_v6);
  EXPECT_FALSE(params("target=x&ipv6=").want_v6);
}

TEST(QueryParams, EmptyStringsAreKept) {
  EXPECT_EQ(params("target=x&protocol=").protocol, "");
  EXPECT_EQ(params("target=x&tcp-method=").tcp_method, "");
}

TEST(QueryParams, GoQueryRules) {
  // The first value wins; '+' and %XX decode; a bad escape or a ';' drops the pair.
  EXPECT_EQ(params("target=first&target=second").hostname, "first");
  EXPECT_EQ(params("target=a+b%2Fc").hostname, "a b/c");
  EXPECT_EQ(params("target=bad%zz&target=good").hostname, "good");
  EXPECT_EQ(params("target=x;y&target=z").hostname, "z");
  EXPECT_EQ(params("target=%5B2001:db8::1%5D:443").hostname, "[2001:db8::1]:443");
  auto values = parse_query("a=1&&b&=2&c=%");
  EXPECT_EQ(values.count("a"), 1u);
  EXPECT_EQ(values["b"], std::vector<std::string>{""});
  EXPECT_EQ(values[""], std::vector<std::string>{"2"});
  EXPECT_EQ(values.count("c"), 0u);
}

}  // namespace
}  // namespace ddtr::http
