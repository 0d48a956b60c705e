#include "client/trace_backend.hpp"

#include <iostream>
#include <memory>

#include "client/rpc_client.hpp"
#include "platform/capabilities.hpp"
#ifndef _WIN32
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "client/in_process_tracer.hpp"
#endif

namespace ddtr::client {
namespace {

#ifndef _WIN32
// The engine logs through spdlog, whose default logger writes to stdout: that
// is the JSON document's. Its warnings and errors go to stderr; its per-trace
// info lines are the daemon's log, not a command's output.
void quiet_engine_log() {
  auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>(spdlog::color_mode::never);
  auto logger = std::make_shared<spdlog::logger>("datadog-traceroute", std::move(sink));
  logger->set_pattern("%l: %v");
  logger->set_level(spdlog::level::warn);
  spdlog::set_default_logger(logger);
}
#endif

}  // namespace

bool in_process_supported() {
#ifdef _WIN32
  return false;
#else
  return true;
#endif
}

std::optional<TraceMode> choose_trace_mode(bool no_daemon, bool daemon_answers, bool privileged) {
  if (no_daemon) return privileged ? std::optional(TraceMode::InProcess) : std::nullopt;
  if (daemon_answers) return TraceMode::Daemon;
  if (privileged) return TraceMode::InProcess;
  return std::nullopt;
}

std::string in_process_privilege() {
#ifdef _WIN32
  return "an elevated token";
#else
  return "CAP_NET_RAW";
#endif
}

std::string in_process_hint() {
#ifdef _WIN32
  return "run datadog-traceroute from an elevated prompt (as Administrator) to trace in-process without a daemon";
#else
  return "run datadog-traceroute as root or with CAP_NET_RAW (e.g. a container with --cap-add NET_RAW) to trace "
         "in-process without a daemon";
#endif
}

Error no_daemon_and_unprivileged(const Error& unavailable) {
  if (!in_process_supported()) return unavailable;
  return Error(ErrorCode::DaemonUnavailable, std::string(unavailable.what()) + "; or " + in_process_hint());
}

Error no_daemon_flag_unprivileged() {
  if (!in_process_supported()) {
    return Error(ErrorCode::DaemonUnavailable,
                 "--no-daemon is not available on this OS yet: start the datadog-tracerouted service and drop it");
  }
  return Error(ErrorCode::DaemonUnavailable, "--no-daemon runs the trace in this process, which needs " +
                                                 in_process_privilege() + ", and this process does not hold it: " +
                                                 in_process_hint() + ", or drop --no-daemon and start the daemon "
                                                 "('sudo datadog-tracerouted --foreground' or 'systemctl start "
                                                 "datadog-tracerouted.socket')");
}

kj::Own<TraceService> open_trace_service(kj::AsyncIoContext& io, const ClientOptions& options) {
  // Without in-process support the question is moot: never ask for (or use) the privilege.
  const bool privileged = in_process_supported() && platform::has_cap_net_raw();
  if (!options.no_daemon) {
    try {
      return kj::heap<DaemonConnection>(io, options.socket_path);
    } catch (const Error& e) {
      // A daemon that answered and refused is the daemon's word: no way around it here.
      if (e.code() != ErrorCode::DaemonUnavailable) throw;
      if (!choose_trace_mode(false, false, privileged)) throw no_daemon_and_unprivileged(e);
      if (options.verbose) {
        std::cerr << "[INFO] no daemon answers at " << options.socket_path << ": the trace runs in this process, "
                  << "which holds " << in_process_privilege() << " (no policy)\n"
                  << std::flush;
      }
    }
  } else if (!choose_trace_mode(true, false, privileged)) {
    throw no_daemon_flag_unprivileged();
  } else if (options.verbose) {
    std::cerr << "[INFO] --no-daemon: the trace runs in this process (no daemon, no policy)\n" << std::flush;
  }
#ifdef _WIN32
  throw no_daemon_flag_unprivileged();  // unreachable: privileged is false here
#else
  quiet_engine_log();
  return kj::heap<InProcessTracer>();
#endif
}

}  // namespace ddtr::client
