// What runs a trace for the client: the daemon over RPC (DaemonConnection), or
// the engine in this process when it holds CAP_NET_RAW itself and no daemon
// answers (InProcessTracer). The commands (one trace, a batch, watch rounds)
// see only this; which one they get is trace_backend's choice.
#pragma once

#include <variant>

#include <kj/async.h>

#include "proto/traceroute.capnp.h"
#include "shared/common/error.hpp"
#include "shared/common/trace_params.hpp"
#include "shared/result/results.hpp"

namespace ddtr::client {

using TraceOutcome = std::variant<Results, Error>;

class TraceService {
 public:
  virtual ~TraceService() noexcept(false) = default;  // as kj::Own's members
  // Resolves on the event loop; never throws: refusals and failures are the
  // Error alternative. Dropping the promise cancels the trace. The service
  // must outlive the promise. Hops go to `listener` as they are learned.
  virtual kj::Promise<TraceOutcome> trace(const TraceParams& params, wire::HopListener::Client listener) = 0;
  // The result only, no hops.
  virtual kj::Promise<TraceOutcome> trace(const TraceParams& params) = 0;
  // Where traces run, for messages: "in the daemon", "in this process".
  virtual const char* where() const = 0;
};

}  // namespace ddtr::client
