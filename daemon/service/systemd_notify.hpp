// Readiness and status for the service manager (Type=notify), through
// sd_notify(3).
//
// With Type=notify, systemd considers the daemon started only when it says
// READY=1, so units ordered after it (and `systemctl start`) wait until the
// socket is really served, not merely until the process exists. STOPPING=1
// tells it the exit that follows is wanted. Outside systemd (NOTIFY_SOCKET
// unset: a terminal, a container, the tests) every call is a no-op.
#pragma once

#include <string_view>

namespace ddtr::service {

class SystemdNotifier {
 public:
  SystemdNotifier();
  // Once READY=1 went out, tells the manager we are stopping if nobody did:
  // an exception unwinding main still reports an orderly stop.
  ~SystemdNotifier();
  SystemdNotifier(const SystemdNotifier&) = delete;
  SystemdNotifier& operator=(const SystemdNotifier&) = delete;

  // Whether a manager listens (NOTIFY_SOCKET was set when this was made).
  bool enabled() const noexcept { return enabled_; }

  // READY=1 with a STATUS= line shown by `systemctl status`.
  void notify_ready(std::string_view status);
  // STOPPING=1 (once; later calls do nothing).
  void notify_stopping(std::string_view status);
  // STATUS= only.
  void notify_status(std::string_view status);

 private:
  void send(std::string_view state);

  bool enabled_;
  bool ready_ = false;
  bool stopping_ = false;
};

}  // namespace ddtr::service
