// The client side of the protocol: connect to the daemon's socket, run one
// trace (hops go to a HopListener), return the result or a typed error.
#pragma once

#include <string>
#include <variant>

#include <kj/async-io.h>

#include "proto/traceroute.capnp.h"
#include "shared/common/error.hpp"
#include "shared/common/trace_params.hpp"
#include "shared/result/results.hpp"

namespace ddtr::client {

using TraceOutcome = std::variant<Results, Error>;

class DaemonConnection {
 public:
  // Connects at once; throws Error(DAEMON_UNAVAILABLE) saying which socket and
  // how to start the daemon.
  DaemonConnection(kj::AsyncIoContext& io, std::string socket_path);
  ~DaemonConnection();

  TraceOutcome trace(const TraceParams& params, wire::HopListener::Client listener);
  std::string daemon_version();

 private:
  struct State;
  kj::AsyncIoContext& io_;
  std::string socket_path_;
  kj::Own<State> state_;
};

}  // namespace ddtr::client
