#include "client/in_process_tracer.hpp"

#include <kj/vector.h>

#include <optional>

#include "daemon/inprocess/engine_host.hpp"

namespace ddtr::client {
namespace {

// One trace: the engine's handle, the hop calls still in flight, and where
// the outcome goes. Owned by the trace's promise.
struct Pending {
  kj::Maybe<wire::HopListener::Client> listener;
  kj::Vector<kj::Promise<void>> hop_calls;
  std::optional<TraceOutcome> outcome;
  kj::Own<kj::PromiseFulfiller<void>> done;
  kj::Promise<void> finishing = kj::READY_NOW;
  // Last, so destroyed first: no engine event reaches the rest once it goes.
  std::unique_ptr<inprocess::EngineHost::Trace> trace;

  void send_hop(const engine::HopEvent& event) {
    KJ_IF_MAYBE (l, listener) {
      // The same message the daemon sends (daemon/rpc/tracer_impl.cpp), to a local capability.
      auto request = l->onHopRequest();
      auto out = request.initEvent();
      out.setKind(event.kind == engine::HopEvent::Kind::E2eProbe ? wire::HopEvent::Kind::E2E_PROBE
                                                                  : wire::HopEvent::Kind::TRACEROUTE_RUN);
      out.setIndex(event.index);
      out.setTtl(static_cast<uint8_t>(event.ttl));
      out.setIpAddress(event.ip_address);
      out.setRttMs(event.rtt_ms);
      out.setIsDestination(event.is_dest);
      hop_calls.add(request.send().ignoreResult().catch_([](kj::Exception&&) {}));
    }
  }

  // As the daemon does: every hop delivered before the result.
  void finish(TraceOutcome result) {
    outcome = std::move(result);
    finishing = kj::joinPromises(hop_calls.releaseAsArray()).then([this] { done->fulfill(); }).eagerlyEvaluate(nullptr);
  }
};

}  // namespace

InProcessTracer::InProcessTracer() : host_(std::make_unique<inprocess::EngineHost>()) {}

InProcessTracer::~InProcessTracer() = default;

kj::Promise<TraceOutcome> InProcessTracer::trace(const TraceParams& params, wire::HopListener::Client listener) {
  return start(params, kj::Maybe<wire::HopListener::Client>(kj::mv(listener)));
}

kj::Promise<TraceOutcome> InProcessTracer::trace(const TraceParams& params) { return start(params, nullptr); }

kj::Promise<TraceOutcome> InProcessTracer::start(const TraceParams& params,
                                                 kj::Maybe<wire::HopListener::Client> listener) {
  auto paf = kj::newPromiseAndFulfiller<void>();
  auto pending = kj::heap<Pending>();
  Pending* p = pending.get();
  p->done = kj::mv(paf.fulfiller);
  bool wants_hops = listener != nullptr;
  p->listener = kj::mv(listener);
  inprocess::EngineHost::HopSink on_hop;
  if (wants_hops) on_hop = [p](const engine::HopEvent& event) { p->send_hop(event); };
  p->trace = host_->start(params, std::move(on_hop), [p](engine::TraceOutcome outcome) { p->finish(std::move(outcome)); });
  return paf.promise.then([p]() -> TraceOutcome { return std::move(*p->outcome); }).attach(kj::mv(pending));
}

}  // namespace ddtr::client
