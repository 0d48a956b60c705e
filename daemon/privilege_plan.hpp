// Whom the daemon becomes once its sockets and files are open, from how it was
// started and --user. Plain logic (the lookup is passed in), tested without root;
// platform/privilege.hpp does the switch.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "platform/privilege.hpp"

namespace ddtr::daemon {

// The package's system user (packaging/ creates it; the systemd unit runs as it).
inline constexpr const char* kServiceUser = "datadog-traceroute";

struct PrivilegePlan {
  enum class Action {
    KeepAsStarted,  // not root (systemd's User=): it has what it was given
    Drop,           // CAP_NET_RAW alone, then `account` (uid 0: stays uid 0)
    Refuse,         // `message` says why the start is refused
  };
  Action action = Action::KeepAsStarted;
  platform::Account account;
  std::string message;  // the log line once done (Refuse: the error)
  bool warn = false;    // a warning, not news
};

using AccountLookup = std::function<std::optional<platform::Account>(const std::string&)>;

// `requested`: --user's NAME, or nullopt for the default (kServiceUser when it
// exists, else uid 0 with CAP_NET_RAW alone, said in a warning).
PrivilegePlan plan_privileges(bool started_as_root, std::uint32_t uid, const std::optional<std::string>& requested,
                              const AccountLookup& find);

}  // namespace ddtr::daemon
