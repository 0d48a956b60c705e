#include "daemon/inprocess/engine_host.hpp"

#include <optional>

#include "shared/common/target_length.hpp"

namespace ddtr::inprocess {

struct EngineHost::Trace::State {
  engine::Engine* engine = nullptr;
  HopSink on_hop;
  DoneSink on_done;
  std::optional<engine::Engine::TraceId> id;
  bool done = false;

  void finish(engine::TraceOutcome outcome) {
    if (done) return;
    done = true;
    auto sink = std::move(on_done);
    on_hop = nullptr;
    if (sink) sink(std::move(outcome));
  }
};

EngineHost::Trace::Trace(std::shared_ptr<State> state) : state_(std::move(state)) {}

EngineHost::Trace::~Trace() {
  if (!state_ || state_->done) return;
  state_->done = true;
  state_->on_hop = nullptr;
  state_->on_done = nullptr;
  if (state_->id) state_->engine->cancel_trace(*state_->id);
}

EngineHost::EngineHost(engine::EngineOptions options)
    : mailbox_(std::make_shared<gateway::KjMailbox>()),
      engine_(std::make_unique<engine::Engine>(std::move(options))),
      pump_(mailbox_->run().eagerlyEvaluate(nullptr)) {}

EngineHost::~EngineHost() {
  pump_ = kj::READY_NOW;  // first: nothing waits on the mailbox's waker any more
  mailbox_->close();      // what the engine posts from now on is dropped
  engine_->cancel_all();
  engine_.reset();  // joins the engine's thread
}

std::unique_ptr<EngineHost::Trace> EngineHost::start(TraceParams params, HopSink on_hop, DoneSink on_done) {
  auto state = std::make_shared<Trace::State>();
  state->engine = engine_.get();
  state->on_hop = std::move(on_hop);
  state->on_done = std::move(on_done);
  // The daemon's checks of the request itself (the gateway's, without the policy).
  try {
    if (auto why = target_length_problem(params.hostname)) {
      throw Error(ErrorCode::InvalidRequest, "invalid target: " + *why);
    }
    engine::validate_request(params);
  } catch (const Error& e) {
    state->finish(e);
    return std::make_unique<Trace>(nullptr);
  }
  std::weak_ptr<Trace::State> weak = state;
  auto mailbox = mailbox_;
  engine::TraceObserver observer;
  // No hop sink (a batch): no hand-off per hop, as in the daemon.
  if (state->on_hop) {
    observer.on_hop = [mailbox, weak](const engine::HopEvent& event) {
      mailbox->post([weak, event] {
        auto s = weak.lock();
        if (s && !s->done && s->on_hop) s->on_hop(event);
      });
    };
  }
  observer.on_done = [mailbox, weak](engine::TraceOutcome outcome) {
    mailbox->post([weak, outcome = std::move(outcome)]() mutable {
      if (auto s = weak.lock()) s->finish(std::move(outcome));
    });
  };
  state->id = engine_->start_trace(std::move(params), std::move(observer));
  return std::make_unique<Trace>(state);
}

}  // namespace ddtr::inprocess
