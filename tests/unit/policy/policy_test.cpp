#include "daemon/policy/policy.hpp"

#include <gtest/gtest.h>

#include "shared/common/error.hpp"

namespace ddtr::policy {
namespace {

Identity person(std::uint32_t uid, std::string name, std::vector<std::string> groups = {},
                std::vector<std::uint32_t> gids = {}) {
  Identity who;
  who.uid = uid;
  who.gid = 100;
  who.user_name = std::move(name);
  who.group_names = std::move(groups);
  who.groups = std::move(gids);
  return who;
}

Policy sample() {
  return Policy(parse_policy_config(R"({
    "access": {"admin": {"groups": ["netops"]}, "user": {"uids": [1001]},
               "denied": {"users": ["mallory"], "gids": [666]}},
    "roles": {"user": {"max_traceroute_queries": 3, "max_e2e_queries": 10, "max_ttl": 30, "min_timeout_ms": 100,
                       "max_timeout_ms": 5000, "ports": ["33434-33534", 443], "protocols": ["udp", "tcp"]}},
    "destinations": {"deny": ["203.0.113.66"]}
  })"));
}

template <typename F>
std::pair<ErrorCode, std::string> refusal(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return {e.code(), e.what()};
  }
  return {ErrorCode::Unknown, "(allowed)"};
}

TEST(Policy, RolesDenialFirstThenTheMostPrivileged) {
  Policy policy = sample();
  EXPECT_EQ(policy.role_of(person(0, "root")).role, Role::Admin);
  EXPECT_EQ(policy.role_of(person(0, "root")).rule, "root");  // without being named
  EXPECT_EQ(policy.role_of(person(1005, "ann", {"netops"})).rule, "access.admin.groups");
  EXPECT_EQ(policy.role_of(person(1001, "bob")).rule, "access.user.uids");
  EXPECT_EQ(policy.role_of(person(1002, "carol")).rule, "access.default_role");
  EXPECT_EQ(policy.role_of(person(1002, "carol")).role, Role::User);
  // mallory is denied even if also in an admin group.
  auto mallory = policy.role_of(person(1003, "mallory", {"netops"}));
  EXPECT_EQ(mallory.role, Role::Denied);
  EXPECT_EQ(mallory.rule, "access.denied.users");
  EXPECT_EQ(policy.role_of(person(1004, "dave", {}, {666})).rule, "access.denied.gids");
  Identity primary = person(1006, "erin");
  primary.gid = 666;
  EXPECT_EQ(policy.role_of(primary).rule, "access.denied.gids");
}

TEST(Policy, RequestBoundsNameTheRule) {
  Policy policy = sample();
  Identity bob = person(1001, "bob");
  auto role = policy.role_of(bob);
  TraceParams ok;
  ok.hostname = "192.0.2.1";
  ok.traceroute_queries = 3;
  ok.e2e_queries = 10;
  ok.timeout_ms = 1000;
  EXPECT_NO_THROW(policy.check_request(bob, role, ok));

  auto with = [&](auto change) {
    TraceParams p = ok;
    change(p);
    return refusal([&] { policy.check_request(bob, role, p); });
  };
  EXPECT_EQ(with([](TraceParams& p) { p.traceroute_queries = 4; }),
            std::make_pair(ErrorCode::InvalidRequest,
                           std::string("traceroute queries 4 is above the limit of 3 for role \"user\" "
                                       "(roles.user.max_traceroute_queries)")));
  EXPECT_EQ(with([](TraceParams& p) { p.e2e_queries = 50; }).second,
            "e2e queries 50 is above the limit of 10 for role \"user\" (roles.user.max_e2e_queries)");
  EXPECT_EQ(with([](TraceParams& p) { p.max_ttl = 31; }).second,
            "max TTL 31 is above the limit of 30 for role \"user\" (roles.user.max_ttl)");
  // TTLs are masked to 8 bits by the engine; 286 & 0xff = 30 is what would be sent.
  EXPECT_EQ(with([](TraceParams& p) { p.max_ttl = 286; }).second, "(allowed)");
  EXPECT_EQ(with([](TraceParams& p) { p.timeout_ms = 6000; }).second,
            "timeout (ms) 6000 is above the limit of 5000 for role \"user\" (roles.user.max_timeout_ms)");
  EXPECT_EQ(with([](TraceParams& p) { p.timeout_ms = 10; }).second,
            "timeout (ms) 10 is below the minimum of 100 for role \"user\" (roles.user.min_timeout_ms)");
  EXPECT_EQ(with([](TraceParams& p) { p.protocol = "icmp"; }),
            std::make_pair(ErrorCode::PolicyDenied,
                           std::string("protocol icmp is not allowed for role \"user\" (roles.user.protocols)")));
  EXPECT_EQ(with([](TraceParams& p) { p.hostname = "169.254.169.254"; }),
            std::make_pair(ErrorCode::PolicyDenied,
                           std::string("destination 169.254.169.254 is denied by 169.254.0.0/16 (the default deny "
                                       "list; destinations.default_deny)")));
  EXPECT_EQ(with([](TraceParams& p) { p.hostname = "203.0.113.66"; }).second,
            "destination 203.0.113.66 is denied by 203.0.113.66 (destinations.deny)");
  // Host names wait for their resolution.
  EXPECT_EQ(with([](TraceParams& p) { p.hostname = "metadata.example"; }).second, "(allowed)");
}

TEST(Policy, DeniedRoleIsUnauthorized) {
  Policy policy = sample();
  Identity mallory = person(1003, "mallory");
  TraceParams p;
  p.hostname = "192.0.2.1";
  EXPECT_EQ(refusal([&] { policy.check_request(mallory, policy.role_of(mallory), p); }),
            std::make_pair(ErrorCode::Unauthorized,
                           std::string("user mallory (uid 1003) may not trace: role \"denied\" (access.denied.users)")));
}

TEST(Policy, TargetsAreJudgedByAddressAndPort) {
  Policy policy = sample();
  auto role = policy.role_of(person(1001, "bob"));
  auto at = [](const char* ip, std::uint16_t port) { return Endpoint{boost::asio::ip::make_address(ip), port}; };
  EXPECT_NO_THROW(policy.check_target(role, "udp", at("192.0.2.1", 33434)));
  EXPECT_NO_THROW(policy.check_target(role, "tcp", at("2001:db8::1", 443)));
  EXPECT_EQ(refusal([&] { policy.check_target(role, "tcp", at("192.0.2.1", 22)); }),
            std::make_pair(ErrorCode::InvalidRequest,
                           std::string("port 22 is not allowed for role \"user\" (roles.user.ports: 33434-33534,443)")));
  // ICMP has no port to judge.
  EXPECT_NO_THROW(policy.check_target(role, "icmp", at("192.0.2.1", 80)));
  for (const char* ip : {"169.254.169.254", "fe80::1", "224.0.0.1", "ff02::1", "255.255.255.255", "0.0.0.0", "::",
                         "::ffff:169.254.169.254", "fd00:ec2::254"}) {
    EXPECT_EQ(refusal([&] { policy.check_target(role, "icmp", at(ip, 0)); }).first, ErrorCode::PolicyDenied) << ip;
  }
}

TEST(Policy, AllowListAndDefaultDenyCanBeChanged) {
  Policy narrow(parse_policy_config(R"({"destinations": {"allow": ["192.0.2.0/24"]}})"));
  auto role = narrow.role_of(person(0, "root"));
  auto at = [](const char* ip) { return Endpoint{boost::asio::ip::make_address(ip), 33434}; };
  EXPECT_NO_THROW(narrow.check_target(role, "udp", at("192.0.2.200")));
  EXPECT_EQ(refusal([&] { narrow.check_target(role, "udp", at("198.51.100.1")); }).second,
            "destination 198.51.100.1 is not in destinations.allow");
  Policy open(parse_policy_config(R"({"destinations": {"default_deny": false}})"));
  EXPECT_NO_THROW(open.check_target(role, "udp", at("169.254.169.254")));
}

}  // namespace
}  // namespace ddtr::policy
