// Windows callers have no uid: per-user limits key them by their user SID
// (policy::principal_key), SYSTEM and elevated Administrators get the admin
// role as root does, and the audit line names the account beside the SID.
// Runs in the Linux ctest and, cross-built, under wine (tests/windows).
#include <gtest/gtest.h>

#include <set>

#include "daemon/policy/audit_log.hpp"
#include "daemon/policy/policy.hpp"

namespace ddtr::policy {
namespace {

Identity windows_caller(const std::string& sid, bool admin = false) {
  Identity who;
  who.uid = kNoUid;
  who.gid = kNoUid;
  who.pid = 4242;
  who.user_name = sid;
  who.group_names = {"S-1-5-32-545", "S-1-5-11"};
  who.account = "HOST\\someone";
  who.os_admin = admin;
  return who;
}

TEST(PrincipalKey, UnixCallersAreKeyedByUid) {
  Identity who;
  who.uid = 1000;
  who.user_name = "alice";
  EXPECT_EQ(principal_key(who), 1000u);
  who.uid = 0;
  EXPECT_EQ(principal_key(who), 0u);
}

TEST(PrincipalKey, WindowsCallersAreKeyedBySidAboveEveryUidAndHttpKey) {
  std::set<std::uint64_t> keys;
  for (int rid = 1000; rid < 1100; ++rid) {
    auto key = principal_key(windows_caller("S-1-5-21-1004336348-1177238915-682003330-" + std::to_string(rid)));
    EXPECT_GE(key, std::uint64_t{1} << 63) << "above every uid and every HTTP key ((1 << 32) | hash)";
    keys.insert(key);
  }
  EXPECT_EQ(keys.size(), 100u) << "every SID its own key";
  // Stable: the same SID, another connection or process, the same key.
  EXPECT_EQ(principal_key(windows_caller("S-1-5-18")), principal_key(windows_caller("S-1-5-18", true)));
  EXPECT_NE(principal_key(windows_caller("S-1-5-18")), principal_key(windows_caller("S-1-5-19")));
}

TEST(PrincipalKey, OsAdministratorsAreAdminsUnlessDenied) {
  Policy policy(parse_policy_config(R"({"access": {"default_role": "user",
                                         "denied": {"users": ["S-1-5-21-1-2-3-666"]}}})"));
  auto plain = policy.role_of(windows_caller("S-1-5-21-1-2-3-1001"));
  EXPECT_EQ(plain.role, Role::User);
  EXPECT_EQ(plain.rule, "access.default_role");
  auto admin = policy.role_of(windows_caller("S-1-5-21-1-2-3-500", true));
  EXPECT_EQ(admin.role, Role::Admin);
  EXPECT_EQ(admin.rule, "administrators");
  auto denied = policy.role_of(windows_caller("S-1-5-21-1-2-3-666", true));
  EXPECT_EQ(denied.role, Role::Denied) << "denial wins, as over root";
}

TEST(PrincipalKey, PolicyFilesNameWindowsPrincipalsBySid) {
  Policy policy(parse_policy_config(R"({"access": {"default_role": "denied",
                                         "user": {"groups": ["S-1-5-11"]}}})"));
  auto who = windows_caller("S-1-5-21-1-2-3-1001");
  EXPECT_EQ(policy.role_of(who).role, Role::User);
  EXPECT_EQ(policy.role_of(who).rule, "access.user.groups");
}

TEST(PrincipalKey, AuditLineNamesTheAccountBesideTheSid) {
  AuditRecord record;
  record.who = windows_caller("S-1-5-21-1-2-3-1001");
  record.role = "user";
  record.verdict = "refused";
  std::string line = audit_line(record);
  EXPECT_NE(line.find(R"("user":"S-1-5-21-1-2-3-1001")"), std::string::npos) << line;
  EXPECT_NE(line.find(R"("account":"HOST\\someone")"), std::string::npos) << line;
  record.who.account.clear();
  EXPECT_EQ(audit_line(record).find("account"), std::string::npos) << "Unix lines keep their keys";
}

}  // namespace
}  // namespace ddtr::policy
