// datadog-traceroute: flags -> request -> daemon -> Go-compatible JSON.
// Exit codes: 0 success, 1 trace or daemon error (as the Go tool), 2 bad flags.
#include <kj/async-io.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "client/doctor.hpp"
#include "client/flags.hpp"
#include "client/hop_printer.hpp"
#include "client/rpc_client.hpp"
#include "shared/common/version.hpp"
#include "shared/result/go_json.hpp"

namespace {

int print_error(const ddtr::Error& error) {
  std::cerr << "Error: ";
  if (error.code() != ddtr::ErrorCode::DaemonUnavailable) std::cerr << "failed to run traceroute: ";
  std::cerr << error.what() << " (code " << ddtr::error_code_name(error.code()) << ")\n";
  return 1;
}

int run_trace(const ddtr::client::ClientOptions& options) {
  auto io = kj::setupAsyncIo();
  ddtr::client::DaemonConnection daemon(io, options.socket_path);
  if (options.verbose) {
    std::cerr << "[INFO] Running traceroute with params: " << ddtr::describe(options.params) << "\n";
  }
  std::FILE* live = (options.verbose || ::isatty(STDERR_FILENO)) ? stderr : nullptr;
  auto outcome = daemon.trace(options.params, kj::heap<ddtr::client::HopPrinter>(live));
  if (auto* error = std::get_if<ddtr::Error>(&outcome)) return print_error(*error);
  std::string json;
  try {
    json = ddtr::to_go_json(std::get<ddtr::Results>(outcome), 2);
  } catch (const ddtr::Error& e) {
    std::cerr << "Error: JSON marshalling failed: " << e.what() << "\n";
    return 1;
  }
  std::cout << json << "\n" << std::flush;
  return std::cout ? 0 : 1;
}

int print_version(const std::string& socket_path) {
  std::cout << "datadog-traceroute " << ddtr::kVersion << "\n";
  try {
    auto io = kj::setupAsyncIo();
    ddtr::client::DaemonConnection daemon(io, socket_path);
    std::cout << "datadog-tracerouted " << daemon.daemon_version() << " (" << socket_path << ")\n";
  } catch (const ddtr::Error& e) {
    std::cout << "datadog-tracerouted: not reachable at " << socket_path << "\n";
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  ddtr::client::ParseOutcome parsed;
  try {
    parsed = ddtr::client::parse_command_line(args, std::getenv("DD_TRACEROUTE_SOCKET"));
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
    case ddtr::client::CommandKind::Doctor:
      return ddtr::client::run_doctor(parsed.options.socket_path, std::cout);
    case ddtr::client::CommandKind::Trace:
      break;
  }
  try {
    return run_trace(parsed.options);
  } catch (const ddtr::Error& e) {
    return print_error(e);
  }
}
