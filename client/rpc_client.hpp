// The client side of the protocol: connect to the daemon's socket, run one
// trace (hops go to a HopListener), return the result or a typed error.
// Dropping a trace's promise drops the call, and the daemon cancels the trace.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <kj/async-io.h>

#include "client/trace_service.hpp"

namespace ddtr::client {

// What the daemon says of itself and of the caller (`info`), for --version and doctor.
struct DaemonStatus {
  std::string version;
  std::uint32_t uid = 0;
  std::string user;
  std::vector<std::string> groups;
  std::string role;
  std::string role_rule;
  struct Limits {
    int max_traceroute_queries = 0, max_e2e_queries = 0, max_ttl = 0, min_timeout_ms = 0, max_timeout_ms = 0;
    std::string ports;
    std::vector<std::string> protocols;
    int concurrent_traces = 0, queued_traces = 0, max_connections = 0, burst = 0;
    double rate_per_minute = 0;
    double probes_per_second = 0;  // the packet budget (0: none)
  } limits;
  int running = 0, queued = 0, connections = 0;
  double tokens = 0;
  std::vector<std::string> capabilities;
  std::string config_path;
  bool config_file_exists = false;
  std::string config_loaded_at;
  std::string audit_log_path;
  bool audit_log_healthy = true;
  std::string audit_log_problem;  // why not healthy ("" from a daemon that does not say)
  std::uint32_t daemon_uid = 0xffffffffu;  // 0xffffffff: not told
  std::string daemon_user;
  std::uint32_t daemon_running = 0, daemon_queued = 0;
  std::uint32_t echo_ids_leased = 0, ports_reserved = 0, demux_routes = 0;
  double global_probes_per_second = 0;
};

class DaemonConnection final : public TraceService {
 public:
  // Connects at once; throws Error(DAEMON_UNAVAILABLE) saying which socket and
  // how to start the daemon.
  DaemonConnection(kj::AsyncIoContext& io, std::string socket_path);
  ~DaemonConnection() override;

  // Resolves on the connection's event loop; never throws. A refusal the
  // daemon sent as a typed exception resolves to that error (QUOTA_EXCEEDED
  // for a connection over a limit), a lost connection to DAEMON_UNAVAILABLE. The connection must outlive it.
  kj::Promise<TraceOutcome> trace(const TraceParams& params, wire::HopListener::Client listener) override;
  // The same without a listener: the daemon sends the result only, no hops.
  kj::Promise<TraceOutcome> trace(const TraceParams& params) override;
  const char* where() const override { return "in the daemon"; }
  std::string daemon_version();
  DaemonStatus daemon_status();

 private:
  kj::Promise<TraceOutcome> send_trace(const TraceParams& params, kj::Maybe<wire::HopListener::Client> listener);
  // The error for a call that failed with `why` (see client/remote_error).
  Error failure(const std::string& why);
  struct State;
  kj::AsyncIoContext& io_;
  std::string socket_path_;
  kj::Own<State> state_;
};

}  // namespace ddtr::client
