// The client's command line: the Go CLI's flags (names, short forms, defaults,
// pflag's parsing rules and messages) plus --socket, --format, --no-color and --version.
#pragma once

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "client/completion.hpp"
#include "shared/common/trace_params.hpp"

namespace ddtr::client {

#ifdef _WIN32
// The daemon's named pipe (platform/windows/pipe/pipe_name.hpp).
inline constexpr const char* kDefaultSocketPath = "\\\\.\\pipe\\datadog-traceroute";
#elif defined(__APPLE__)
// macOS has no /run (packaging/macos/: the launchd job listens here).
inline constexpr const char* kDefaultSocketPath = "/var/run/datadog-traceroute/daemon.sock";
#else
inline constexpr const char* kDefaultSocketPath = "/run/datadog-traceroute/daemon.sock";
#endif

// Jsonl: one Go document per round, for --watch / --report-cycles only.
enum class OutputFormat { Json, Table, Text, Jsonl };

struct ClientOptions {
  TraceParams params;       // hostname = the positional TARGET
  std::string socket_path;  // --socket, else $DD_TRACEROUTE_SOCKET, else kDefaultSocketPath
  bool verbose = false;
  std::optional<OutputFormat> format;  // --format; unset: table when stdout is a terminal, else json
  bool no_color = false;               // --no-color ($NO_COLOR is read with the terminal facts)
  // --no-daemon: the engine in this process even when a daemon answers (needs
  // CAP_NET_RAW; without the flag it is the fallback when no daemon answers).
  bool no_daemon = false;
  // Batch: every positional TARGET and --targets-file's lines. Exactly one
  // target (params.hostname) is the Go tool's single trace; more are traced
  // concurrently over one connection and printed as JSON Lines.
  std::vector<std::string> targets;
  std::string targets_file;  // read by the batch command, not the parser
  int parallel = 16;         // traces in flight at once in a batch
  bool is_batch() const { return targets.size() > 1 || !targets_file.empty(); }
  // mtr mode: rounds of the same trace over one connection, per-hop statistics.
  bool watch = false;                          // --watch: until q or Ctrl-C, a screen on a terminal
  int report_cycles = 0;                       // --report-cycles N: N rounds, then the report; 0: not given
  std::chrono::milliseconds interval{1000};    // --interval: from one round's start to the next's
  bool e2e_queries_given = false;              // -Q given: rounds carry e2e probes only then
  bool is_watch() const { return watch || report_cycles > 0; }
};

// Completion: the script (or, with no shell, the usage) is in `text`.
enum class CommandKind { Trace, Help, Version, Doctor, Completion };

struct ParseOutcome {
  CommandKind kind = CommandKind::Trace;
  ClientOptions options;
  std::string text;  // the help text, for Help; the script, for Completion
};

class FlagError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// `args` excludes argv[0]; `env_socket` is $DD_TRACEROUTE_SOCKET or nullptr.
ParseOutcome parse_command_line(const std::vector<std::string>& args, const char* env_socket);

// The flag table as the completion scripts need it.
std::vector<CompletionFlag> completion_flags();

std::string usage_text();

}  // namespace ddtr::client
