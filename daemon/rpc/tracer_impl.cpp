#include "daemon/rpc/tracer_impl.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <kj/function.h>
#include <kj/vector.h>
#include <optional>
#include <vector>

#include "proto/codec.hpp"
#include "shared/common/version.hpp"

namespace ddtr::rpcserver {
namespace {

// Per-call state, touched only on the KJ thread (engine callbacks reach it
// through the mailbox). `alive` turns false when the call is finished or
// cancelled, so late engine events are dropped.
struct CallState {
  bool alive = true;
  wire::HopListener::Client listener;
  kj::Vector<kj::Promise<void>> hop_calls;
  std::optional<engine::TraceOutcome> outcome;
  kj::Own<kj::PromiseFulfiller<void>> done;
  explicit CallState(wire::HopListener::Client l) : listener(kj::mv(l)) {}
};

void send_hop(CallState& state, const engine::HopEvent& event) {
  auto request = state.listener.onHopRequest();
  auto out = request.initEvent();
  out.setKind(event.kind == engine::HopEvent::Kind::E2eProbe ? wire::HopEvent::Kind::E2E_PROBE
                                                              : wire::HopEvent::Kind::TRACEROUTE_RUN);
  out.setIndex(event.index);
  out.setTtl(static_cast<uint8_t>(event.ttl));
  out.setIpAddress(event.ip_address);
  out.setRttMs(event.rtt_ms);
  out.setIsDestination(event.is_dest);
  // A listener that fails (client gone, or buggy) must not fail the trace.
  state.hop_calls.add(request.send().ignoreResult().catch_([](kj::Exception&&) {}));
}

}  // namespace

TracerImpl::TracerImpl(engine::Engine& engine, std::shared_ptr<KjMailbox> mailbox, platform::PeerCredentials peer)
    : engine_(engine), mailbox_(std::move(mailbox)), peer_(std::move(peer)) {}

kj::Promise<void> TracerImpl::trace(TraceContext context) {
  context.allowCancellation();
  auto params = context.getParams();
  ddtr::TraceParams request = proto::read_request(params.getRequest());
  auto started = std::chrono::steady_clock::now();
  spdlog::info("trace request: uid={} user={} gid={} pid={} target=\"{}\" params={}", peer_.uid, peer_.user_name,
               peer_.gid, peer_.pid, request.hostname, describe(request));

  auto state = std::make_shared<CallState>(params.getListener());
  auto paf = kj::newPromiseAndFulfiller<void>();
  state->done = kj::mv(paf.fulfiller);

  // The engine thread holds only weak references: the call state owns KJ
  // objects, which must be created and destroyed on the KJ thread alone.
  engine::TraceObserver observer;
  auto mailbox = mailbox_;
  std::weak_ptr<CallState> weak = state;
  observer.on_hop = [mailbox, weak](const engine::HopEvent& event) {
    mailbox->post([weak, event] {
      auto state = weak.lock();
      if (state && state->alive) send_hop(*state, event);
    });
  };
  observer.on_done = [mailbox, weak](engine::TraceOutcome outcome) {
    mailbox->post([weak, outcome = std::move(outcome)]() mutable {
      auto state = weak.lock();
      if (!state || !state->alive) return;
      state->outcome = std::move(outcome);
      state->done->fulfill();
    });
  };
  auto id = engine_.start_trace(std::move(request), std::move(observer));

  auto peer = peer_;
  auto& engine = engine_;
  return paf.promise
      .then([state]() {
        // Let every hop reach the client before the result does.
        return kj::joinPromises(state->hop_calls.releaseAsArray());
      })
      .then([context, state, peer, started]() mutable {
        auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        auto result = context.getResults().initResult();
        if (auto* error = std::get_if<Error>(&*state->outcome)) {
          spdlog::info("trace done: uid={} pid={} error={} ({}) after {:.3f}s", peer.uid, peer.pid,
                       error_code_name(error->code()), error->what(), elapsed);
          auto out = result.initError();
          out.setCode(proto::to_wire(error->code()));
          out.setMessage(error->what());
        } else {
          spdlog::info("trace done: uid={} pid={} ok after {:.3f}s", peer.uid, peer.pid, elapsed);
          proto::write_results(std::get<Results>(*state->outcome), result.initResults());
        }
      })
      .attach(kj::defer([state, &engine, id, peer] {
        // Runs when the call finishes or is cancelled (client gone): either way
        // the engine must let go of the trace.
        if (state->alive && !state->outcome) {
          spdlog::info("trace cancelled: uid={} pid={} (client went away)", peer.uid, peer.pid);
        }
        state->alive = false;
        engine.cancel_trace(id);
      }));
}

kj::Promise<void> TracerImpl::info(InfoContext context) {
  auto info = context.getResults().initInfo();
  info.setVersion(kVersion);
  info.setCallerUid(peer_.uid);
  info.setCallerGid(peer_.gid);
  info.setCallerPid(peer_.pid);
  auto protocols = info.initProtocols(3);
  protocols.set(0, "icmp");
  protocols.set(1, "udp");
  protocols.set(2, "tcp");
  return kj::READY_NOW;
}

}  // namespace ddtr::rpcserver
