// The no-daemon mode: the daemon's engine in this process (daemon/inprocess),
// for a caller that holds CAP_NET_RAW itself (root, a container with
// --cap-add NET_RAW; Windows: elevated). No policy: the caller could open the
// raw sockets anyway. Hops reach the same HopListener as over RPC, results are
// the same Results, and dropping a trace's promise cancels it in the engine.
#pragma once

#include <memory>

#include "client/trace_service.hpp"

namespace ddtr::inprocess {
class EngineHost;
}

namespace ddtr::client {

class InProcessTracer final : public TraceService {
 public:
  // On the KJ thread, after its event loop (and InterruptWatch) exist.
  InProcessTracer();
  ~InProcessTracer() override;

  kj::Promise<TraceOutcome> trace(const TraceParams& params, wire::HopListener::Client listener) override;
  kj::Promise<TraceOutcome> trace(const TraceParams& params) override;
  const char* where() const override { return "in this process"; }

 private:
  kj::Promise<TraceOutcome> start(const TraceParams& params, kj::Maybe<wire::HopListener::Client> listener);

  std::unique_ptr<inprocess::EngineHost> host_;
};

}  // namespace ddtr::client
