// datadog-traceroute: flags -> request -> daemon -> the chosen output.
// Exit codes: 0 success, 1 trace or daemon error (as the Go tool), 2 bad flags,
// 130 interrupted (Ctrl-C).
#include <kj/async-io.h>

#include <iostream>

#include "client/batch_command.hpp"
#include "client/command_line.hpp"
#include "client/doctor.hpp"
#include "client/flags.hpp"
#include "client/output_plan.hpp"
#include "client/rpc_client.hpp"
#include "client/trace_command.hpp"
#include "client/version_line.hpp"
#include "client/watch_command.hpp"
#include "shared/common/version.hpp"

namespace {

int print_version(const std::string& socket_path) {
  std::cout << ddtr::client::go_version_line() << "\n";  // the Go tool's line first, for scripts
  std::cout << "datadog-traceroute " << ddtr::kVersion << "\n";
  try {
    auto io = kj::setupAsyncIo();
    ddtr::client::DaemonConnection daemon(io, socket_path);
    std::cout << "datadog-tracerouted " << daemon.daemon_version() << " (" << socket_path << ")\n";
  } catch (const ddtr::Error& e) {
    if (e.code() == ddtr::ErrorCode::DaemonUnavailable) {
      std::cout << "datadog-tracerouted: not reachable at " << socket_path << "\n";
    } else {
      std::cout << "datadog-tracerouted: running at " << socket_path << ", refused: " << e.what() << " (code "
                << ddtr::error_code_name(e.code()) << ")\n";
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  ddtr::client::use_binary_stdio();
  std::vector<std::string> args = ddtr::client::command_line_arguments(argc, argv);
  ddtr::client::ParseOutcome parsed;
  try {
    auto env_socket = ddtr::client::environment_variable("DD_TRACEROUTE_SOCKET");
    parsed = ddtr::client::parse_command_line(args, env_socket ? env_socket->c_str() : nullptr);
  } catch (const ddtr::client::FlagError& e) {
    std::cerr << "Error: " << e.what() << "\nRun 'datadog-traceroute --help' for usage.\n";
    return 2;
  }
  switch (parsed.kind) {
    case ddtr::client::CommandKind::Help:
      std::cout << parsed.text;
      return 0;
    case ddtr::client::CommandKind::Version:
      return print_version(parsed.options.socket_path);
    case ddtr::client::CommandKind::Completion:
      std::cout << parsed.text;
      return 0;
    case ddtr::client::CommandKind::Doctor:
      return ddtr::client::run_doctor(parsed.options.socket_path, parsed.options.no_daemon, std::cout);
    case ddtr::client::CommandKind::Trace:
      break;
  }
  const auto& options = parsed.options;
  if (options.is_watch()) return ddtr::client::run_watch(options);
  if (!options.is_batch()) return ddtr::client::run_trace(options);
  std::vector<std::string> targets = options.targets;
  if (!options.targets_file.empty()) {
    try {
      auto from_file = ddtr::client::read_targets_file(options.targets_file);
      targets.insert(targets.end(), from_file.begin(), from_file.end());
    } catch (const ddtr::client::FlagError& e) {
      std::cerr << "Error: " << e.what() << "\n";
      return 2;
    }
  }
  return ddtr::client::run_batch(options, std::move(targets));
}
