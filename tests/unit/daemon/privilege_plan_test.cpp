#include "daemon/privilege_plan.hpp"

#include <gtest/gtest.h>

#include <map>

namespace ddtr::daemon {
namespace {

using Action = PrivilegePlan::Action;

AccountLookup accounts(std::map<std::string, platform::Account> known) {
  return [known = std::move(known)](const std::string& name) -> std::optional<platform::Account> {
    auto it = known.find(name);
    if (it == known.end()) return std::nullopt;
    return it->second;
  };
}

const platform::Account kRoot{"root", 0, 0};
const platform::Account kService{"datadog-traceroute", 998, 997};
const platform::Account kAlice{"alice", 1000, 1000};

TEST(PrivilegePlan, RootBecomesThePackagesUserByDefault) {
  auto plan = plan_privileges(true, 0, std::nullopt, accounts({{"root", kRoot}, {"datadog-traceroute", kService}}));
  EXPECT_EQ(plan.action, Action::Drop);
  EXPECT_EQ(plan.account.uid, 998u);
  EXPECT_EQ(plan.account.gid, 997u);
  EXPECT_EQ(plan.account.name, "datadog-traceroute");
  EXPECT_FALSE(plan.warn);
  EXPECT_NE(plan.message.find("switched to datadog-traceroute (uid 998, gid 997)"), std::string::npos);
}

TEST(PrivilegePlan, WithoutThePackagesUserRootStaysUidZeroAndSaysSo) {
  auto plan = plan_privileges(true, 0, std::nullopt, accounts({{"root", kRoot}}));
  EXPECT_EQ(plan.action, Action::Drop);
  EXPECT_EQ(plan.account.uid, 0u);
  EXPECT_TRUE(plan.warn);
  EXPECT_NE(plan.message.find("no user datadog-traceroute"), std::string::npos);
  EXPECT_NE(plan.message.find("stays uid 0, with CAP_NET_RAW alone"), std::string::npos);
}

TEST(PrivilegePlan, ContainerWithoutAnyPasswdEntryStillDropsCapabilities) {
  auto plan = plan_privileges(true, 0, std::nullopt, accounts({}));
  EXPECT_EQ(plan.action, Action::Drop);
  EXPECT_EQ(plan.account.uid, 0u);
  EXPECT_TRUE(plan.warn);
}

TEST(PrivilegePlan, UserFlagNamesTheAccount) {
  auto plan = plan_privileges(true, 0, "alice", accounts({{"alice", kAlice}, {"datadog-traceroute", kService}}));
  EXPECT_EQ(plan.action, Action::Drop);
  EXPECT_EQ(plan.account.uid, 1000u);
  EXPECT_FALSE(plan.warn);
}

TEST(PrivilegePlan, UserRootKeepsUidZeroOnPurpose) {
  auto plan = plan_privileges(true, 0, "root", accounts({{"root", kRoot}, {"datadog-traceroute", kService}}));
  EXPECT_EQ(plan.action, Action::Drop);
  EXPECT_EQ(plan.account.uid, 0u);
  EXPECT_FALSE(plan.warn);
  EXPECT_NE(plan.message.find("stays uid 0 (--user root)"), std::string::npos);
}

TEST(PrivilegePlan, UnknownUserRefusesTheStart) {
  auto plan = plan_privileges(true, 0, "nosuchuser", accounts({{"root", kRoot}}));
  EXPECT_EQ(plan.action, Action::Refuse);
  EXPECT_EQ(plan.message, "--user nosuchuser: no such user");
}

TEST(PrivilegePlan, NotRootKeepsWhatItWasGiven) {
  // systemd's unit: User=datadog-traceroute, AmbientCapabilities=CAP_NET_RAW.
  auto plan = plan_privileges(false, 998, std::nullopt, accounts({{"datadog-traceroute", kService}}));
  EXPECT_EQ(plan.action, Action::KeepAsStarted);
  EXPECT_NE(plan.message.find("uid 998"), std::string::npos);
  auto same = plan_privileges(false, 998, "datadog-traceroute", accounts({{"datadog-traceroute", kService}}));
  EXPECT_EQ(same.action, Action::KeepAsStarted);
}

TEST(PrivilegePlan, NotRootCannotSwitchUsers) {
  auto plan = plan_privileges(false, 998, "alice", accounts({{"alice", kAlice}}));
  EXPECT_EQ(plan.action, Action::Refuse);
  EXPECT_NE(plan.message.find("needs the daemon to start as root"), std::string::npos);
}

}  // namespace
}  // namespace ddtr::daemon
