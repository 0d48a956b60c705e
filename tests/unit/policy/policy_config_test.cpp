#include <gtest/gtest.h>

#include <fstream>

#include "daemon/policy/policy_config.hpp"
#include "shared/common/error.hpp"

namespace ddtr::policy {
namespace {

std::string error_of(const std::string& text) {
  try {
    parse_policy_config(text);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidRequest);
    return e.what();
  }
  return "(no error)";
}

TEST(PolicyConfig, EmptyObjectIsTheDefaults) {
  PolicyConfig config = parse_policy_config("{}");
  EXPECT_EQ(config.default_role, Role::User);
  EXPECT_TRUE(config.rule(Role::Admin).uids.empty());
  EXPECT_EQ(config.limits(Role::User).max_traceroute_queries, 10);
  EXPECT_EQ(config.limits(Role::User).concurrent_traces, 4);
  EXPECT_EQ(config.limits(Role::Admin).max_ttl, 255);
  EXPECT_EQ(config.limits(Role::Denied).concurrent_traces, 0);
  EXPECT_TRUE(config.default_deny);
  EXPECT_EQ(config.audit_log, kDefaultAuditLogPath);
  EXPECT_EQ(config.socket_mode, 0666);
  EXPECT_EQ(config.global_concurrent_traces, 64);
}

TEST(PolicyConfig, ReadsEveryKey) {
  PolicyConfig config = parse_policy_config(R"({
    "access": {"default_role": "denied",
               "admin": {"users": ["root"], "uids": [0], "groups": ["netops"], "gids": [27]},
               "user": {"groups": ["staff"]},
               "denied": {"users": ["mallory"]}},
    "roles": {"user": {"max_traceroute_queries": 5, "max_e2e_queries": 10, "max_ttl": 32,
                       "min_timeout_ms": 100, "max_timeout_ms": 5000, "ports": [53, "33434-33534"],
                       "protocols": ["icmp", "udp"], "concurrent_traces": 2, "queued_traces": 7,
                       "max_connections": 3, "rate_per_minute": 1.5, "burst": 4,
                       "probes_per_second": 250}},
    "global": {"concurrent_traces": 8, "queued_traces": 9, "max_connections": 10, "probes_per_second": 2500},
    "destinations": {"allow": ["192.0.2.0/24", "2001:db8::/32"], "deny": ["192.0.2.66"], "default_deny": false},
    "audit_log": "/tmp/audit.log",
    "socket": {"group": "datadog-traceroute", "mode": "0660"}
  })");
  EXPECT_EQ(config.default_role, Role::Denied);
  EXPECT_EQ(config.rule(Role::Admin).groups, std::vector<std::string>{"netops"});
  EXPECT_EQ(config.rule(Role::Admin).gids, std::vector<std::uint32_t>{27});
  EXPECT_EQ(config.rule(Role::Denied).users, std::vector<std::string>{"mallory"});
  const RoleLimits& user = config.limits(Role::User);
  EXPECT_EQ(user.max_traceroute_queries, 5);
  EXPECT_EQ(user.max_e2e_queries, 10);
  EXPECT_EQ(user.max_ttl, 32);
  EXPECT_EQ(user.min_timeout_ms, 100);
  EXPECT_EQ(user.max_timeout_ms, 5000);
  ASSERT_EQ(user.ports.size(), 2u);
  EXPECT_EQ(user.ports[0], (PortRange{53, 53}));
  EXPECT_EQ(user.ports[1], (PortRange{33434, 33534}));
  EXPECT_EQ(user.protocols, (std::vector<std::string>{"icmp", "udp"}));
  EXPECT_EQ(user.concurrent_traces, 2);
  EXPECT_EQ(user.queued_traces, 7);
  EXPECT_EQ(user.max_connections, 3);
  EXPECT_DOUBLE_EQ(user.rate_per_minute, 1.5);
  EXPECT_EQ(user.burst, 4);
  EXPECT_DOUBLE_EQ(user.probes_per_second, 250);
  EXPECT_DOUBLE_EQ(config.global_probes_per_second, 2500);
  // Untouched roles keep their defaults.
  EXPECT_EQ(config.limits(Role::Admin).max_ttl, 255);
  EXPECT_EQ(config.global_concurrent_traces, 8);
  EXPECT_EQ(config.global_queued_traces, 9);
  EXPECT_EQ(config.global_max_connections, 10);
  ASSERT_EQ(config.allow.size(), 2u);
  EXPECT_EQ(config.allow[1].text(), "2001:db8::/32");
  ASSERT_EQ(config.deny.size(), 1u);
  EXPECT_FALSE(config.default_deny);
  EXPECT_EQ(config.audit_log, "/tmp/audit.log");
  EXPECT_EQ(config.socket_group, "datadog-traceroute");
  EXPECT_EQ(config.socket_mode, 0660);
}

TEST(PolicyConfig, ErrorsNameTheKeyAndTheProblem) {
  EXPECT_EQ(error_of(R"({"rolez": {}})"), "config: rolez: unknown key");
  EXPECT_EQ(error_of(R"({"roles": {"user": {"max_tll": 3}}})"), "config: roles.user.max_tll: unknown key");
  EXPECT_EQ(error_of(R"({"roles": {"guest": {}}})"), "config: roles.guest: unknown key");
  EXPECT_EQ(error_of(R"({"roles": {"user": {"max_ttl": 300}}})"), "config: roles.user.max_ttl: must be 1..255, not 300");
  EXPECT_EQ(error_of(R"({"roles": {"user": {"max_ttl": "30"}}})"), "config: roles.user.max_ttl: must be an integer");
  EXPECT_EQ(error_of(R"({"roles": {"user": {"max_ttl": 3.5}}})"), "config: roles.user.max_ttl: must be an integer");
  EXPECT_EQ(error_of(R"({"roles": {"user": {"min_timeout_ms": 900, "max_timeout_ms": 800}}})"),
            "config: roles.user: min_timeout_ms is above max_timeout_ms");
  EXPECT_EQ(error_of(R"({"roles": {"user": {"ports": ["80-20"]}}})"), "config: roles.user.ports[0]: range \"80-20\" runs backwards");
  EXPECT_EQ(error_of(R"({"roles": {"user": {"ports": ["http"]}}})"),
            "config: roles.user.ports[0]: \"http\" is not a port (1..65535) or a range \"FIRST-LAST\"");
  EXPECT_EQ(error_of(R"({"roles": {"user": {"protocols": ["sctp"]}}})"),
            "config: roles.user.protocols[0]: must be \"icmp\", \"udp\" or \"tcp\", not \"sctp\"");
  EXPECT_EQ(error_of(R"({"access": {"default_role": "root"}})"),
            "config: access.default_role: must be \"admin\", \"user\" or \"denied\", not \"root\"");
  EXPECT_EQ(error_of(R"({"access": {"admin": {"uids": [-1]}}})"), "config: access.admin.uids[0]: must be 0..4294967294, not -1");
  EXPECT_EQ(error_of(R"({"destinations": {"deny": ["192.0.2.0/33"]}})"),
            "config: destinations.deny[0]: invalid address block \"192.0.2.0/33\": prefix length must be 0..32");
  EXPECT_EQ(error_of(R"({"destinations": {"allow": "0.0.0.0/0"}})"), "config: destinations.allow: must be a list");
  EXPECT_EQ(error_of(R"({"audit_log": "audit.log"})"),
            "config: audit_log: must be an absolute path (or \"\" to disable the audit log)");
  EXPECT_EQ(error_of(R"({"socket": {"mode": "rw"}})"), "config: socket.mode: must be an octal mode such as \"0660\", not \"rw\"");
  EXPECT_EQ(error_of(R"([])"), "config: (top level): must be an object");
  EXPECT_NE(error_of(R"({"roles": )").find("config: not valid JSON: "), std::string::npos);
  // A number beyond a double is nlohmann's out_of_range, not a parse_error (fuzz_policy_config).
  EXPECT_NE(error_of(R"({"access": {"denied": {"uids": [66677777777e777777777]}}})").find("config: not valid JSON: "),
            std::string::npos);
  EXPECT_EQ(error_of(R"({"roles": {"user": {"max_ttl": 18446744073709551615}}})"),
            "config: roles.user.max_ttl: must be 1..255, not 9223372036854775807");
}

TEST(PolicyConfig, MissingDefaultFileIsTheDefaultsButANamedOneIsAnError) {
  std::string path = testing::TempDir() + "/no-such-daemon.json";
  EXPECT_EQ(load_policy_config(path, true).global_concurrent_traces, 64);
  try {
    load_policy_config(path, false);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "cannot read the config file " + path + ": No such file or directory");
  }
}

TEST(PolicyConfig, FileErrorsCarryThePath) {
  std::string path = testing::TempDir() + "/bad-daemon.json";
  std::ofstream(path) << R"({"global": {"concurrent_traces": 0}})";
  try {
    load_policy_config(path, false);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), path + ": config: global.concurrent_traces: must be 1..100000, not 0");
  }
}

}  // namespace
}  // namespace ddtr::policy

namespace ddtr::policy {
namespace {

// The file the package installs spells out the built-in defaults: keep them equal.
TEST(PolicyConfig, PackagedFileEqualsTheBuiltInDefaults) {
  PolicyConfig packaged = load_policy_config(std::string(DDTR_TEST_DATA_DIR) + "/../../../packaging/daemon.json", false);
  PolicyConfig defaults;
  for (Role role : {Role::Admin, Role::User}) {
    const RoleLimits& a = packaged.limits(role);
    const RoleLimits& b = defaults.limits(role);
    EXPECT_EQ(a.max_traceroute_queries, b.max_traceroute_queries);
    EXPECT_EQ(a.max_e2e_queries, b.max_e2e_queries);
    EXPECT_EQ(a.max_ttl, b.max_ttl);
    EXPECT_EQ(a.min_timeout_ms, b.min_timeout_ms);
    EXPECT_EQ(a.max_timeout_ms, b.max_timeout_ms);
    EXPECT_EQ(a.ports, b.ports);
    EXPECT_EQ(a.protocols, b.protocols);
    EXPECT_EQ(a.concurrent_traces, b.concurrent_traces);
    EXPECT_EQ(a.queued_traces, b.queued_traces);
    EXPECT_EQ(a.max_connections, b.max_connections);
    EXPECT_EQ(a.rate_per_minute, b.rate_per_minute);
    EXPECT_EQ(a.burst, b.burst);
    EXPECT_EQ(a.probes_per_second, b.probes_per_second);
  }
  EXPECT_EQ(packaged.global_probes_per_second, defaults.global_probes_per_second);
  EXPECT_EQ(packaged.default_role, defaults.default_role);
  EXPECT_EQ(packaged.global_concurrent_traces, defaults.global_concurrent_traces);
  EXPECT_EQ(packaged.global_queued_traces, defaults.global_queued_traces);
  EXPECT_EQ(packaged.global_max_connections, defaults.global_max_connections);
  EXPECT_EQ(packaged.default_deny, defaults.default_deny);
  EXPECT_EQ(packaged.audit_log, defaults.audit_log);
  EXPECT_EQ(packaged.allow.size(), defaults.allow.size());
}

}  // namespace
}  // namespace ddtr::policy

namespace ddtr::policy {
namespace {

TEST(PolicyConfig, HttpSection) {
  PolicyConfig config = parse_policy_config(R"({"http": {"enabled": true, "listen": "[::1]:8080",
      "anonymous_role": "denied", "max_connections": 5, "max_request_bytes": 1024, "max_header_fields": 10,
      "idle_timeout_ms": 2000, "tokens": [{"name": "ci", "role": "admin",
      "sha256": "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"}]}})");
  EXPECT_TRUE(config.http.enabled);
  EXPECT_EQ(config.http.listen, "[::1]:8080");
  EXPECT_EQ(config.http.anonymous_role, Role::Denied);
  EXPECT_EQ(config.http.max_connections, 5);
  EXPECT_EQ(config.http.max_request_bytes, 1024);
  EXPECT_EQ(config.http.max_header_fields, 10);
  EXPECT_EQ(config.http.idle_timeout_ms, 2000);
  ASSERT_EQ(config.http.tokens.size(), 1u);
  EXPECT_EQ(config.http.tokens[0].sha256[0], 0xba);
  EXPECT_EQ(config.http.tokens[0].role, Role::Admin);
  PolicyConfig defaults = parse_policy_config("{}");
  EXPECT_FALSE(defaults.http.enabled);
  EXPECT_EQ(defaults.http.listen, "127.0.0.1:3765");
}

TEST(PolicyConfig, HttpErrors) {
  EXPECT_EQ(error_of(R"({"http": {"listen": "localhost:80"}})"),
            "config: http.listen: invalid listen address \"localhost:80\": \"localhost\" is not an IP address");
  EXPECT_EQ(error_of(R"({"http": {"listen": "127.0.0.1:0"}})"),
            "config: http.listen: invalid listen address \"127.0.0.1:0\": port must be 1..65535");
  EXPECT_EQ(error_of(R"({"http": {"tokens": [{"name": "ci", "sha256": "abc"}]}})"),
            "config: http.tokens[0].sha256: must be 64 hex digits: the SHA-256 of the token (printf %s TOKEN | sha256sum)");
  EXPECT_EQ(error_of(R"({"http": {"tokens": [{"sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}]}})"),
            "config: http.tokens[0]: needs a \"name\" (it names the caller in the audit log)");
  // Off loopback, anonymous callers are not allowed.
  EXPECT_EQ(error_of(R"({"http": {"enabled": true, "listen": "192.0.2.5:3765"}})"),
            "config: http: the listen address 192.0.2.5:3765 is not loopback, so every caller must show a token: set "
            "http.tokens and http.anonymous_role \"denied\"");
  EXPECT_NO_THROW(parse_policy_config(R"({"http": {"enabled": true, "listen": "192.0.2.5:3765", "anonymous_role": "denied",
      "tokens": [{"name": "ci", "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}]}})"));
  EXPECT_NO_THROW(check_http_exposure(HttpConfig{}, "[::1]:3765"));
}

TEST(PolicyConfig, HttpConnectionsPerCaller) {
  EXPECT_EQ(parse_policy_config("{}").http.max_connections_per_caller, 8);
  EXPECT_EQ(parse_policy_config(R"({"http": {"max_connections_per_caller": 3}})").http.max_connections_per_caller, 3);
  EXPECT_EQ(parse_policy_config(R"({"http": {"max_connections": 64, "max_connections_per_caller": 64}})")
                .http.max_connections_per_caller,
            64);
  // Not written: the default follows a smaller max_connections instead of refusing the file.
  EXPECT_EQ(parse_policy_config(R"({"http": {"max_connections": 4}})").http.max_connections_per_caller, 4);
  // Keys in either order.
  EXPECT_EQ(parse_policy_config(R"({"http": {"max_connections_per_caller": 2, "max_connections": 4}})")
                .http.max_connections_per_caller,
            2);
  EXPECT_EQ(error_of(R"({"http": {"max_connections": 4, "max_connections_per_caller": 5}})"),
            "config: http.max_connections_per_caller: must be at most http.max_connections (4), not 5");
  EXPECT_EQ(error_of(R"({"http": {"max_connections_per_caller": 0}})"),
            "config: http.max_connections_per_caller: must be 1..100000, not 0");
  EXPECT_EQ(error_of(R"({"http": {"max_connections_per_caller": "8"}})"),
            "config: http.max_connections_per_caller: must be an integer");
}

}  // namespace
}  // namespace ddtr::policy
