#include "daemon/service/systemd_notify.hpp"

#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace ddtr::service {
namespace {

// STATUS= ends at the first newline (sd_notify's message is newline
// separated), so a multi-line text must not inject other assignments.
std::string status_line(std::string_view text) {
  std::string line(text.substr(0, text.find('\n')));
  return "STATUS=" + line;
}

}  // namespace

SystemdNotifier::SystemdNotifier() : enabled_(std::getenv("NOTIFY_SOCKET") != nullptr) {
  if (enabled_) spdlog::debug("systemd notification socket: {}", std::getenv("NOTIFY_SOCKET"));
}

SystemdNotifier::~SystemdNotifier() {
  try {
    if (ready_ && !stopping_) notify_stopping("stopped");
  } catch (...) {  // a destructor must not throw; the exit goes on regardless
  }
}

void SystemdNotifier::notify_ready(std::string_view status) {
  ready_ = true;
  send("READY=1\n" + status_line(status));
}

void SystemdNotifier::notify_stopping(std::string_view status) {
  if (stopping_) return;
  stopping_ = true;
  send("STOPPING=1\n" + status_line(status));
}

void SystemdNotifier::notify_status(std::string_view status) { send(status_line(status)); }

void SystemdNotifier::send(std::string_view state) {
  if (!enabled_) return;
  // unset_environment=0: the variable stays for later messages (STOPPING=1).
  std::string message(state);
  int rc = ::sd_notify(0, message.c_str());
  if (rc < 0) {
    spdlog::warn("cannot notify systemd ({}): {}", message.substr(0, message.find('\n')), std::strerror(-rc));
  }
}

}  // namespace ddtr::service
