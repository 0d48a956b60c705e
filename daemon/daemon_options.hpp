// The daemon's command line.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace ddtr::daemon {

#if defined(__APPLE__)
// macOS has no /run, and / is read-only (packaging/macos/); the client's default matches.
inline constexpr const char* kDefaultSocketPath = "/var/run/datadog-traceroute/daemon.sock";
#else
inline constexpr const char* kDefaultSocketPath = "/run/datadog-traceroute/daemon.sock";
#endif

struct DaemonOptions {
  bool foreground = false;  // interactive: coloured, timestamped logs on a TTY
  std::string socket_path = kDefaultSocketPath;
  std::string log_level = "info";
  std::vector<std::string> public_ip_urls;  // empty: upstream's list
  std::string config_path;                  // the policy file
  bool config_path_is_default = true;       // a missing default file means the defaults
  std::string http_listen;                  // enables the HTTP API there ("" = as the config says)
  std::string metrics_listen;               // serves GET /metrics alone there ("" = none)
  bool per_trace_capture = false;           // the seed's socket pair per run instead of the shared demux
  // How runs pace their TTLs; it sets the burst the daemon puts on the network,
  // so the operator chooses, not the caller. By default a window of `window`
  // probes in flight; --send-delay selects upstream's fixed pause instead (and
  // then the window does not apply).
  std::optional<std::chrono::milliseconds> send_delay;
  int window = 16;
  int max_in_flight = 1024;   // every run together (0: no cap); lowest TTL first at the cap
  bool adaptive_wait = true;  // false: every silent hop waits the whole --timeout, as upstream
  // The deadline of each forward name lookup (c-ares's tries fit inside it).
  std::chrono::milliseconds dns_timeout{5000};
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
