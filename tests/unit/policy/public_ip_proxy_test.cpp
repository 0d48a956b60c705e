// Issue 19 item 6: the policy key public_ip.proxy.
#include <gtest/gtest.h>

#include "daemon/policy/policy_config.hpp"
#include "shared/common/error.hpp"

namespace ddtr::policy {
namespace {

std::string error_of(const std::string& json) {
  try {
    parse_policy_config(json);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(PublicIpProxy, AbsentIsTheEnvironment) { EXPECT_EQ(parse_policy_config("{}").public_ip_proxy, ""); }

TEST(PublicIpProxy, ReadsDirectAndHttpProxies) {
  for (std::string value : {"direct", "http://proxy.example:3128", "proxy.example:3128", "http://u:p%40ss@192.0.2.1:8080/",
                            "http://[2001:db8::1]:3128", "HTTP://proxy"}) {
    EXPECT_EQ(parse_policy_config(R"({"public_ip": {"proxy": ")" + value + R"("}})").public_ip_proxy, value);
  }
}

TEST(PublicIpProxy, RefusesWhatIsNoHttpProxy) {
  EXPECT_EQ(error_of(R"({"public_ip": {"proxy": "socks5://p:1080"}})"),
            "config: public_ip.proxy: \"socks5://p:1080\" is neither \"direct\" nor an http proxy (http://host:port)");
  EXPECT_NE(error_of(R"({"public_ip": {"proxy": "https://p:443"}})"), "");
  EXPECT_NE(error_of(R"({"public_ip": {"proxy": "p:port"}})"), "");
  EXPECT_EQ(error_of(R"({"public_ip": {"proxy": 3128}})"), "config: public_ip.proxy: must be a string");
  EXPECT_EQ(error_of(R"({"public_ip": {"proxi": "direct"}})"), "config: public_ip.proxi: unknown key");
}

}  // namespace
}  // namespace ddtr::policy
