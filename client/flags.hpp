// The client's command line: the Go CLI's flags (names, short forms, defaults,
// pflag's parsing rules and messages) plus --socket and --version.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "shared/common/trace_params.hpp"

namespace ddtr::client {

#ifdef _WIN32
// The daemon's named pipe (platform/windows/pipe/pipe_name.hpp).
inline constexpr const char* kDefaultSocketPath = "\\\\.\\pipe\\datadog-traceroute";
#else
inline constexpr const char* kDefaultSocketPath = "/run/datadog-traceroute/daemon.sock";
#endif

struct ClientOptions {
  TraceParams params;       // hostname = the positional TARGET
  std::string socket_path;  // --socket, else $DD_TRACEROUTE_SOCKET, else kDefaultSocketPath
  bool verbose = false;
};

enum class CommandKind { Trace, Help, Version, Doctor };

struct ParseOutcome {
  CommandKind kind = CommandKind::Trace;
  ClientOptions options;
  std::string text;  // the help text, for Help
};

class FlagError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// `args` excludes argv[0]; `env_socket` is $DD_TRACEROUTE_SOCKET or nullptr.
ParseOutcome parse_command_line(const std::vector<std::string>& args, const char* env_socket);

std::string usage_text();

}  // namespace ddtr::client
