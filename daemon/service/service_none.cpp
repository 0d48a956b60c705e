// The service seam where there is no systemd (macOS: launchd starts the daemon,
// which opens its own socket; launchd's socket activation would need
// launch_activate_socket, see packaging/macos/README.md). No notification
// socket, no inherited listening socket.
#include "daemon/service/systemd_notify.hpp"
#include "daemon/service/systemd_socket.hpp"

namespace ddtr::service {

SystemdNotifier::SystemdNotifier() : enabled_(false) {}
SystemdNotifier::~SystemdNotifier() = default;
void SystemdNotifier::notify_ready(std::string_view) { ready_ = true; }
void SystemdNotifier::notify_stopping(std::string_view) { stopping_ = true; }
void SystemdNotifier::notify_status(std::string_view) {}
void SystemdNotifier::send(std::string_view) {}

std::optional<InheritedSocket> inherited_listen_socket() { return std::nullopt; }

}  // namespace ddtr::service
