// Issue 19 item 6: which proxy a checker's URL goes through, by the rules of
// Go's http.ProxyFromEnvironment (golang.org/x/net/http/httpproxy).
#include "daemon/enrich/publicip/proxy_rules.hpp"

#include <gtest/gtest.h>

#include <map>

#include "shared/common/error.hpp"

namespace ddtr::enrich {
namespace {

ProxySettings env(const std::map<std::string, std::string>& vars) {
  return ProxySettings::from_environment([&vars](const char* name) -> const char* {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  });
}

std::string via(const ProxySettings& s, const std::string& scheme, const std::string& host, const std::string& port) {
  auto proxy = proxy_for(s, scheme, host, port);
  return proxy ? proxy->host + ":" + proxy->port : "direct";
}

TEST(ProxyRules, SchemePicksTheVariableUpperCaseFirst) {
  auto s = env({{"HTTPS_PROXY", "secure.proxy:3128"}, {"https_proxy", "ignored:1"}, {"http_proxy", "plain.proxy:8080"}});
  EXPECT_EQ(via(s, "https", "icanhazip.com", "443"), "secure.proxy:3128");
  EXPECT_EQ(via(s, "http", "icanhazip.com", "80"), "plain.proxy:8080");
  EXPECT_EQ(via(env({{"https_proxy", "lower:1"}}), "https", "a.example", "443"), "lower:1");
  EXPECT_EQ(via(env({{"HTTP_PROXY", "p:1"}}), "https", "a.example", "443"), "direct");  // HTTP_PROXY is for http:// only
}

TEST(ProxyRules, AProxyWithoutPortOrSchemeIsHttpOnPort80) {
  auto proxy = proxy_for(env({{"HTTPS_PROXY", "http://u:p@proxy.example/"}}), "https", "a.example", "443");
  ASSERT_TRUE(proxy);
  EXPECT_EQ(proxy->host, "proxy.example");
  EXPECT_EQ(proxy->port, "80");
  EXPECT_EQ(proxy->authorization, "Basic dTpw");
}

TEST(ProxyRules, LoopbackAndLocalhostNeverGoThroughAProxy) {
  auto s = env({{"HTTPS_PROXY", "p:1"}, {"HTTP_PROXY", "p:1"}});
  EXPECT_EQ(via(s, "http", "127.0.0.1", "80"), "direct");
  EXPECT_EQ(via(s, "http", "127.8.9.10", "80"), "direct");
  EXPECT_EQ(via(s, "https", "::1", "443"), "direct");
  EXPECT_EQ(via(s, "https", "localhost", "443"), "direct");
  EXPECT_EQ(via(s, "https", "192.0.2.1", "443"), "p:1");
}

TEST(ProxyRules, NoProxyDomainsBySuffix) {
  auto s = env({{"HTTPS_PROXY", "p:1"}, {"NO_PROXY", " Example.COM , .only-subs.test, *.star.test"}});
  EXPECT_EQ(via(s, "https", "example.com", "443"), "direct");
  EXPECT_EQ(via(s, "https", "api.example.com", "443"), "direct");
  EXPECT_EQ(via(s, "https", "notexample.com", "443"), "p:1");  // a suffix of labels, not of characters
  EXPECT_EQ(via(s, "https", "only-subs.test", "443"), "p:1");
  EXPECT_EQ(via(s, "https", "a.only-subs.test", "443"), "direct");
  EXPECT_EQ(via(s, "https", "star.test", "443"), "p:1");
  EXPECT_EQ(via(s, "https", "a.star.test", "443"), "direct");
}

TEST(ProxyRules, NoProxyPortsAndAddresses) {
  auto s = env({{"HTTPS_PROXY", "p:1"}, {"HTTP_PROXY", "p:1"},
                {"no_proxy", "ports.test:8443,192.0.2.7,198.51.100.0/24,[2001:db8::1]:443,203.0.113.9:80"}});
  EXPECT_EQ(via(s, "https", "ports.test", "8443"), "direct");
  EXPECT_EQ(via(s, "https", "ports.test", "443"), "p:1");
  EXPECT_EQ(via(s, "https", "192.0.2.7", "443"), "direct");
  EXPECT_EQ(via(s, "https", "192.0.2.8", "443"), "p:1");
  EXPECT_EQ(via(s, "https", "198.51.100.200", "443"), "direct");  // CIDR
  EXPECT_EQ(via(s, "https", "2001:db8::1", "443"), "direct");
  EXPECT_EQ(via(s, "https", "2001:db8::1", "8443"), "p:1");
  EXPECT_EQ(via(s, "http", "203.0.113.9", "80"), "direct");
  EXPECT_EQ(via(s, "https", "203.0.113.9", "443"), "p:1");
}

TEST(ProxyRules, NoProxyStarBypassesEverything) {
  auto s = env({{"HTTPS_PROXY", "p:1"}, {"NO_PROXY", "*"}});
  EXPECT_EQ(via(s, "https", "icanhazip.com", "443"), "direct");
  EXPECT_EQ(via(s, "https", "192.0.2.1", "443"), "direct");
}

TEST(ProxyRules, CgiRefusesHttpProxy) {
  auto s = env({{"HTTP_PROXY", "p:1"}, {"HTTPS_PROXY", "p:2"}, {"REQUEST_METHOD", "GET"}});
  EXPECT_THROW(proxy_for(s, "http", "a.example", "80"), Error);
  EXPECT_EQ(via(s, "https", "a.example", "443"), "p:2");
}

TEST(ProxyRules, ThePolicyKeyWinsOverTheEnvironment) {
  auto getenv = [](const char* name) -> const char* {
    std::string n = name;
    if (n == "HTTPS_PROXY") return "env.proxy:1";
    if (n == "NO_PROXY") return "policy.test";
    return nullptr;
  };
  EXPECT_EQ(via(ProxySettings::choose("", getenv), "https", "a.example", "443"), "env.proxy:1");
  EXPECT_EQ(via(ProxySettings::choose("http://policy.proxy:3128", getenv), "https", "a.example", "443"), "policy.proxy:3128");
  EXPECT_EQ(via(ProxySettings::choose("http://policy.proxy:3128", getenv), "https", "policy.test", "443"),
            "policy.proxy:3128");  // the environment's NO_PROXY went with it
  EXPECT_EQ(via(ProxySettings::choose("http://policy.proxy:3128", getenv), "http", "a.example", "80"), "policy.proxy:3128");
  EXPECT_EQ(via(ProxySettings::choose("direct", getenv), "https", "a.example", "443"), "direct");
}

TEST(ProxyRules, UnsupportedProxySchemesAreErrors) {
  EXPECT_THROW(proxy_for(env({{"HTTPS_PROXY", "socks5://p:1080"}}), "https", "a.example", "443"), Error);
  EXPECT_THROW(proxy_for(env({{"HTTPS_PROXY", "https://p:443"}}), "https", "a.example", "443"), Error);
}

}  // namespace
}  // namespace ddtr::enrich
