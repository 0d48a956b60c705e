// The destination rules hold for every spelling of an IPv4 address: the IPv6
// forms that carry one (IPv4-mapped, -compatible, NAT64, 6to4, Teredo) are
// judged as the IPv6 address and as the IPv4 address inside; both must pass.
#include <gtest/gtest.h>

#include "daemon/policy/policy.hpp"
#include "shared/common/error.hpp"

namespace ddtr::policy {
namespace {

Identity root() {
  Identity who;
  who.uid = 0;
  who.user_name = "root";
  return who;
}

std::pair<ErrorCode, std::string> judge(const Policy& policy, const char* ip) {
  try {
    policy.check_target(policy.role_of(root()), "icmp", Endpoint{boost::asio::ip::make_address(ip), 0});
  } catch (const Error& e) {
    return {e.code(), e.what()};
  }
  return {ErrorCode::Unknown, "(allowed)"};
}

// 169.254.169.254 and an operator's own 203.0.113.77, in every form.
const char* const kMetadataSpellings[] = {
    "169.254.169.254",
    "::ffff:169.254.169.254",                 // IPv4-mapped
    "::169.254.169.254",                      // IPv4-compatible
    "64:ff9b::169.254.169.254",               // NAT64 well-known prefix
    "64:ff9b:1:a9fe:a9:fe00::",               // NAT64 local-use prefix (RFC 6052 /48 layout)
    "2002:a9fe:a9fe::1",                      // 6to4
    "2001:0:a9fe:a9fe::1",                    // Teredo, server 169.254.169.254
    "2001:0:4136:e378:8000:63bf:5601:5601",   // Teredo, client 169.254.169.254 (bits inverted)
};
const char* const kOperatorSpellings[] = {
    "203.0.113.77",
    "::ffff:203.0.113.77",
    "::203.0.113.77",
    "64:ff9b::203.0.113.77",
    "64:ff9b:1:cb00:71:4d00::",
    "2002:cb00:714d::1",
    "2001:0:cb00:714d::1",
    "2001:0:4136:e378:8000:63bf:34ff:8eb2",
};

TEST(EmbeddedIpv4Policy, MetadataIsDeniedInEverySpelling) {
  Policy policy(parse_policy_config("{}"));
  for (const char* ip : kMetadataSpellings) {
    auto [code, message] = judge(policy, ip);
    EXPECT_EQ(code, ErrorCode::PolicyDenied) << ip;
    EXPECT_NE(message.find("169.254.169.254"), std::string::npos) << message;
    EXPECT_NE(message.find("is denied by 169.254.0.0/16 (the default deny list"), std::string::npos) << message;
  }
  EXPECT_EQ(judge(policy, "64:ff9b::169.254.169.254").second,
            "destination 169.254.169.254 (the IPv4 address inside 64:ff9b::a9fe:a9fe, NAT64 well-known prefix) is "
            "denied by 169.254.0.0/16 (the default deny list; destinations.default_deny)");
}

TEST(EmbeddedIpv4Policy, AnOperatorsRuleHoldsInEverySpelling) {
  Policy policy(parse_policy_config(R"({"destinations": {"deny": ["203.0.113.77"]}})"));
  for (const char* ip : kOperatorSpellings) {
    auto [code, message] = judge(policy, ip);
    EXPECT_EQ(code, ErrorCode::PolicyDenied) << ip;
    EXPECT_NE(message.find("is denied by 203.0.113.77 (destinations.deny)"), std::string::npos) << message;
  }
  // Neighbours are not caught by it.
  for (const char* ip : {"203.0.113.78", "64:ff9b::203.0.113.78", "2002:cb00:714e::1", "2001:db8::cb00:714d"}) {
    EXPECT_EQ(judge(policy, ip).first, ErrorCode::Unknown) << ip;
  }
}

TEST(EmbeddedIpv4Policy, TheIpv6AddressItselfIsJudgedToo) {
  // A rule on the IPv6 block still applies, whatever IPv4 address is inside.
  Policy policy(parse_policy_config(R"({"destinations": {"deny": ["2002::/16"]}})"));
  EXPECT_EQ(judge(policy, "2002:c000:221::1").second,
            "destination 2002:c000:221::1 is denied by 2002::/16 (destinations.deny)");
}

TEST(EmbeddedIpv4Policy, BothMustBeInTheAllowList) {
  Policy v6_only(parse_policy_config(R"({"destinations": {"allow": ["::/0"]}})"));
  EXPECT_EQ(judge(v6_only, "64:ff9b::192.0.2.33").second,
            "destination 192.0.2.33 (the IPv4 address inside 64:ff9b::c000:221, NAT64 well-known prefix) is not in "
            "destinations.allow");
  EXPECT_EQ(judge(v6_only, "2001:db8::1").first, ErrorCode::Unknown);
}

TEST(EmbeddedIpv4Policy, LiteralTargetsAreJudgedBeforeTheyQueue) {
  Policy policy(parse_policy_config("{}"));
  Identity who = root();
  TraceParams p;
  p.hostname = "2002:a9fe:a9fe::1";
  EXPECT_THROW(policy.check_request(who, policy.role_of(who), p), Error);
}

TEST(EmbeddedIpv4Policy, TheCloudsMetadataEndpointsAreDeniedByDefault) {
  Policy policy(parse_policy_config("{}"));
  for (const char* ip : {"169.254.169.254", "fd00:ec2::254", "fd20:ce::254", "168.63.129.16", "100.100.100.200",
                         "192.0.0.192", "169.254.170.2", "fe80::a9fe:a9fe", "64:ff9b::168.63.129.16",
                         "2002:6464:64c8::1"}) {
    EXPECT_EQ(judge(policy, ip).first, ErrorCode::PolicyDenied) << ip;
  }
  // Their neighbours are ordinary destinations.
  for (const char* ip : {"168.63.129.17", "100.100.100.201", "192.0.0.193", "fd20:ce::253"}) {
    EXPECT_EQ(judge(policy, ip).first, ErrorCode::Unknown) << ip;
  }
}

}  // namespace
}  // namespace ddtr::policy
