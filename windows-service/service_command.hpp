// datadog-tracerouted's command line on Windows: install | uninstall | run |
// foreground | check-config | configure | unconfigure | reload, and the options a run takes. Plain functions, no Windows call:
// what is parsed is tested apart from what the SCM does with it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ddtr::winservice {

inline constexpr const char* kServiceName = "datadog-tracerouted";
inline constexpr const char* kServiceDisplayName = "Datadog Traceroute daemon";

enum class Action {
  Install,     // register with the SCM (auto start, LocalSystem), options kept for `run`
  Uninstall,   // stop if running, then delete the service
  Run,         // what the SCM starts: hand the process to the service dispatcher
  Foreground,  // the same daemon on a console, Ctrl-C stops it (tests, debugging)
  CheckConfig,  // validate the policy file and exit (the Unix daemon's --check-config)
  Configure,    // the MSI's step after registering the service: recovery, data directory ACL, PATH
  Unconfigure,  // the MSI's step before removing the files: the PATH entry
  Reload,      // ask the daemon serving --pipe to reload its policy file (the Unix daemon's SIGHUP)
};

struct RunOptions {
  std::string pipe_name = "\\\\.\\pipe\\datadog-traceroute";
  bool windows_driver = false;           // start ddnpm at start-up (upstream server's --windows-driver)
  std::uint64_t driver_version = 0x18;   // DD_NPMDRIVER_VERSION of the installed ddnpm.sys
  std::string log_file;                  // "" = %ProgramData%\datadog-traceroute\daemon.log
  std::string config_path;               // the policy file ("" = %ProgramData%\Datadog\traceroute\daemon.json)
  std::vector<std::string> public_ip_urls;  // --source-public-ip's checkers ("" = upstream's), as the Unix daemon's
  std::string http_listen;               // --http-listen ADDR:PORT ("" = the policy's http.enabled/http.listen)
  std::string log_level = "info";
  bool operator==(const RunOptions&) const = default;
};

struct ServiceCommand {
  std::optional<Action> action;  // empty: print `output`, exit with `exit_code`
  RunOptions options;
  std::string output;
  int exit_code = 0;
};

// `args` excludes argv[0]. Usage errors exit 2 with one line and a hint, as
// the client's flag errors do.
ServiceCommand parse_service_command(const std::vector<std::string>& args);

// The command line the SCM runs: "<exe>" run <options that differ from the
// defaults>, quoted so that CommandLineToArgvW gives the same arguments back.
std::string service_command_line(const std::string& exe, const RunOptions& options);

// One argument quoted by the rules CommandLineToArgvW undoes.
std::string quote_argument(const std::string& arg);

}  // namespace ddtr::winservice
