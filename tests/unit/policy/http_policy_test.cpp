// The policy's parts of the HTTP rules of issue 14: http.allowed_hosts, a
// reload refused by its check keeping the old rules, and the audit line of an
// HTTP caller placed by its socket's owner.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "daemon/policy/audit_log.hpp"
#include "daemon/policy/policy_config.hpp"
#include "daemon/policy/policy_state.hpp"
#include "shared/common/error.hpp"

namespace ddtr::policy {
namespace {

std::string error_text(const std::string& json) {
  try {
    parse_policy_config(json);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(HttpPolicy, AllowedHosts) {
  auto config = parse_policy_config(R"({"http": {"allowed_hosts": ["tracer.internal", "tunnel:8080", "[::1]:9"]}})");
  EXPECT_EQ(config.http.allowed_hosts, (std::vector<std::string>{"tracer.internal", "tunnel:8080", "[::1]:9"}));
  EXPECT_TRUE(parse_policy_config("{}").http.allowed_hosts.empty());
  EXPECT_EQ(error_text(R"({"http": {"allowed_hosts": ["http://x"]}})"),
            "config: http.allowed_hosts[0]: must be a host name or address, optionally with :PORT");
  EXPECT_EQ(error_text(R"({"http": {"allowed_hosts": [""]}})"),
            "config: http.allowed_hosts[0]: must be a host name or address, optionally with :PORT");
  EXPECT_NE(error_text(R"({"http": {"allowed_hosts": "x"}})"), "");
}

TEST(HttpPolicy, AReloadItsCheckRefusesKeepsTheOldRules) {
  char dir_template[] = "/tmp/ddtr-policy-reload.XXXXXX";
  ASSERT_NE(::mkdtemp(dir_template), nullptr);
  std::string dir = dir_template, path = dir + "/daemon.json";
  std::ofstream(path) << R"({"audit_log": "", "http": {"allowed_hosts": ["old.test"]}})";
  PolicyState state(path, false);
  auto before = state.rules();
  std::ofstream(path) << R"({"audit_log": "", "http": {"allowed_hosts": ["new.test"]}})";
  EXPECT_THROW(state.reload([](const PolicyConfig&) { throw Error(ErrorCode::InvalidRequest, "refused"); }), Error);
  EXPECT_EQ(state.rules(), before);
  EXPECT_EQ(state.rules()->config().http.allowed_hosts, std::vector<std::string>{"old.test"});
  bool checked = false;
  state.reload([&](const PolicyConfig& fresh) {
    checked = true;
    EXPECT_EQ(fresh.http.allowed_hosts, std::vector<std::string>{"new.test"});
  });
  EXPECT_TRUE(checked);
  EXPECT_EQ(state.rules()->config().http.allowed_hosts, std::vector<std::string>{"new.test"});
  std::remove(path.c_str());
  ::rmdir(dir.c_str());
}

TEST(HttpPolicy, AuditLineOfAPlacedHttpCaller) {
  AuditRecord r;
  r.source = "http";
  r.remote = "127.0.0.1:40000";
  r.who.uid = 65534;
  r.who.gid = 65534;
  r.who.user_name = "nobody";
  std::string line = audit_line(r);
  EXPECT_NE(line.find(R"("source":"http","uid":65534,"user":"nobody","gid":65534,"pid":null,"remote":"127.0.0.1:40000")"),
            std::string::npos)
      << line;
  AuditRecord anonymous;
  anonymous.source = "http";
  anonymous.who.user_name = "http:ci";
  line = audit_line(anonymous);
  EXPECT_NE(line.find(R"("uid":null,"user":"http:ci","gid":null,"pid":null)"), std::string::npos) << line;
}

}  // namespace
}  // namespace ddtr::policy
