// The daemon's command line.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace ddtr::daemon {

inline constexpr const char* kDefaultSocketPath = "/run/datadog-traceroute/daemon.sock";

struct DaemonOptions {
  bool foreground = false;  // interactive: coloured, timestamped logs on a TTY
  std::string socket_path = kDefaultSocketPath;
  std::string log_level = "info";
  std::vector<std::string> public_ip_urls;  // empty: upstream's list
  std::string config_path;                  // the policy file
  bool config_path_is_default = true;       // a missing default file means the defaults
  std::string http_listen;                  // enables the HTTP API there ("" = as the config says)
  bool per_trace_capture = false;           // the seed's socket pair per run instead of the shared demux
  // Pacing between the TTLs of a run (upstream's fixed SendDelay); it sets the
  // burst the daemon puts on the network, so the operator chooses, not the caller.
  std::chrono::milliseconds send_delay{50};
  // Started as root: the user it becomes once its sockets are open (nullopt:
  // the package's user when it exists, else uid 0; "root": uid 0 on purpose).
  std::optional<std::string> user;
};

struct DaemonCommand {
  std::optional<DaemonOptions> run;  // empty: exit with `exit_code` after printing `output`
  std::string output;
  int exit_code = 0;
};

DaemonCommand parse_daemon_options(int argc, char** argv);

// "50ms", "1s", "0" (a bare number is milliseconds), 0..10 s; nullopt otherwise.
std::optional<std::chrono::milliseconds> parse_send_delay(const std::string& text);

}  // namespace ddtr::daemon
