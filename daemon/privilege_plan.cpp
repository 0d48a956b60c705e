#include "daemon/privilege_plan.hpp"

namespace ddtr::daemon {
namespace {

std::string who(const platform::Account& a) {
  return a.name + " (uid " + std::to_string(a.uid) + ", gid " + std::to_string(a.gid) + ")";
}

PrivilegePlan refuse(std::string why) {
  PrivilegePlan plan;
  plan.action = PrivilegePlan::Action::Refuse;
  plan.message = std::move(why);
  return plan;
}

PrivilegePlan drop_to(platform::Account account, std::string message, bool warn) {
  PrivilegePlan plan;
  plan.action = PrivilegePlan::Action::Drop;
  plan.account = std::move(account);
  plan.message = std::move(message);
  plan.warn = warn;
  return plan;
}

}  // namespace

PrivilegePlan plan_privileges(bool started_as_root, std::uint32_t uid, const std::optional<std::string>& requested,
                              const AccountLookup& find) {
  std::optional<platform::Account> account;
  if (requested) {
    account = find(*requested);
    if (!account) return refuse("--user " + *requested + ": no such user");
  }
  if (!started_as_root) {
    // Only root may switch users; naming the user it already is, is fine.
    if (account && account->uid != uid) {
      return refuse("--user " + *requested + ": switching to another user needs the daemon to start as root (it runs as uid " +
                    std::to_string(uid) + ")");
    }
    PrivilegePlan plan;
    plan.message = "runs as uid " + std::to_string(uid) + ", as started: it keeps the capabilities it was given";
    return plan;
  }
  if (account) {
    if (account->uid == 0) {
      return drop_to(*account, "stays uid 0 (--user " + *requested + "), with CAP_NET_RAW alone", false);
    }
    return drop_to(*account, "switched to " + who(*account) + ", with CAP_NET_RAW alone", false);
  }
  account = find(kServiceUser);
  if (account && account->uid != 0) {
    return drop_to(*account, "switched to " + who(*account) + ", with CAP_NET_RAW alone", false);
  }
  return drop_to(platform::Account{"root", 0, 0},
                 std::string("no user ") + kServiceUser +
                     " on this host: the daemon stays uid 0, with CAP_NET_RAW alone (create the user, as the package "
                     "does, or name one with --user NAME)",
                 true);
}

}  // namespace ddtr::daemon
