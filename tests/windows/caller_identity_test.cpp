// The pipe client's identity as the policy sees it (windows-service/caller_identity).
#include <gtest/gtest.h>

#include "windows-service/caller_identity.hpp"

namespace ddtr::winservice {
namespace {

platform::windows::pipe::PipeClientIdentity client(const std::string& sid, std::vector<std::string> groups) {
  platform::windows::pipe::PipeClientIdentity c;
  c.pid = 77;
  c.user_sid = sid;
  c.user_name = "HOST\\user";
  c.group_sids = std::move(groups);
  return c;
}

TEST(WindowsCallerIdentity, SidsForThePolicyAccountForPeople) {
  auto who = policy_identity(client("S-1-5-21-1-2-3-1001", {"S-1-5-32-545", "S-1-5-11"}));
  EXPECT_EQ(who.uid, policy::kNoUid);
  EXPECT_EQ(who.pid, 77);
  EXPECT_EQ(who.user_name, "S-1-5-21-1-2-3-1001");
  EXPECT_EQ(who.group_names, (std::vector<std::string>{"S-1-5-32-545", "S-1-5-11"}));
  EXPECT_EQ(who.account, "HOST\\user");
  EXPECT_FALSE(who.os_admin);
  EXPECT_GE(policy::principal_key(who), std::uint64_t{1} << 63);
}

TEST(WindowsCallerIdentity, SystemAndEnabledAdministratorsAreOsAdmins) {
  EXPECT_TRUE(policy_identity(client("S-1-5-18", {})).os_admin);
  EXPECT_TRUE(policy_identity(client("S-1-5-21-1-2-3-500", {"S-1-5-32-544", "S-1-5-11"})).os_admin);
  // A UAC-filtered token has Administrators deny-only, which the pipe's
  // identity leaves out of the groups: an ordinary user.
  EXPECT_FALSE(policy_identity(client("S-1-5-21-1-2-3-500", {"S-1-5-32-545"})).os_admin);
  EXPECT_FALSE(policy_identity(client("S-1-5-19", {})).os_admin) << "LocalService is not SYSTEM";
}

TEST(WindowsCallerIdentity, AnUnresolvedSidHasNoAccount) {
  auto c = client("S-1-5-21-9-9-9-1234", {});
  c.user_name = c.user_sid;  // pipe_identity's answer when the SID does not resolve
  EXPECT_EQ(policy_identity(c).account, "");
}

}  // namespace
}  // namespace ddtr::winservice
