// The daemon's engine (and its enrichers: reverse DNS, public IP), hosted by a
// process that already holds the privilege: the client's no-daemon mode. No
// policy, admission or audit (the caller could open raw sockets itself); the
// same request checks as the daemon, the same engine, the same results.
// Built and used on one KJ thread; the engine runs on its own thread and
// its events come back through a mailbox, as in the daemon's gateway.
#pragma once

#include <functional>
#include <memory>

#include <kj/async.h>

#include "daemon/engine/engine.hpp"
#include "daemon/gateway/kj_mailbox.hpp"

namespace ddtr::inprocess {

class EngineHost {
 public:
  using HopSink = std::function<void(const engine::HopEvent&)>;
  using DoneSink = std::function<void(engine::TraceOutcome)>;

  // One trace in flight; destroying it before it is done cancels it in the
  // engine (and `on_done` is not called). Must not outlive its host.
  class Trace {
   public:
    struct State;
    explicit Trace(std::shared_ptr<State> state);
    Trace(const Trace&) = delete;
    Trace& operator=(const Trace&) = delete;
    ~Trace();

   private:
    std::shared_ptr<State> state_;
  };

  // KJ thread, with its event loop set up. Starts the engine's thread: on
  // POSIX, capture signals (SIGINT) before, so that thread inherits the mask.
  explicit EngineHost(engine::EngineOptions options = {});
  ~EngineHost();  // cancels what runs and joins the engine's thread
  EngineHost(const EngineHost&) = delete;
  EngineHost& operator=(const EngineHost&) = delete;

  // KJ thread. `on_hop` (may be empty: no hop events at all) and `on_done`
  // run on this thread; `on_done` exactly once, already inside start() for a
  // request the daemon would refuse as invalid (INVALID_REQUEST).
  std::unique_ptr<Trace> start(TraceParams params, HopSink on_hop, DoneSink on_done);

 private:
  std::shared_ptr<gateway::KjMailbox> mailbox_;
  std::unique_ptr<engine::Engine> engine_;
  kj::Promise<void> pump_;  // runs the mailbox's closures on this thread
};

}  // namespace ddtr::inprocess
