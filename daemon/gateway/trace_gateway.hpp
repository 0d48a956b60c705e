// The one door every trace request comes through, whatever its transport (RPC
// on the Unix socket, HTTP): the caller's role is decided, the request judged
// against the policy, admitted fairly, run by the engine, and audited once.
// RPC thread only (the KJ loop); engine events reach it through the mailbox.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <kj/timer.h>

#include "daemon/engine/engine.hpp"
#include "daemon/gateway/kj_mailbox.hpp"
#include "daemon/metrics/daemon_metrics.hpp"
#include "daemon/policy/identity.hpp"
#include "daemon/policy/policy_state.hpp"

namespace ddtr::gateway {

struct Caller {
  policy::Identity who;
  std::string source = "rpc";   // "rpc" or "http"
  std::string remote;           // http: the peer's address and port
  std::uint64_t principal = 0;  // admission key: the uid, or an HTTP principal's key
  std::optional<policy::RoleDecision> role;  // given (HTTP tokens); else from the access rules
  std::optional<Error> refusal;              // refused before judging (a connection over its limit)
};

// HTTP principals live above every uid in the admission key space.
std::uint64_t http_principal_key(const std::string& name);

class TraceGateway {
 public:
  using HopSink = std::function<void(const engine::HopEvent&)>;
  using DoneSink = std::function<void(engine::TraceOutcome)>;

  // One request in flight. Destroying it before it is done cancels it: the
  // engine drops the trace, admission frees its slot or queue place, and the
  // audit line says "cancelled".
  class Call {
   public:
    struct State;
    explicit Call(std::shared_ptr<State> state);
    Call(const Call&) = delete;
    Call& operator=(const Call&) = delete;
    ~Call();

   private:
    std::shared_ptr<State> state_;
  };

  TraceGateway(engine::Engine& engine, std::shared_ptr<KjMailbox> mailbox, policy::PolicyState& policy);

  // `on_hop` and `on_done` run on the RPC thread; `on_done` exactly once
  // (already inside submit() for a refusal) unless the Call is destroyed first.
  std::unique_ptr<Call> submit(Caller caller, TraceParams params, HopSink on_hop, DoneSink on_done);

  policy::PolicyState& policy() { return policy_; }

  // Logs and audits the summaries of suppressed refusals that are due (see
  // policy::RefusalBudget); submit() does it too, this catches a flood's end.
  void report_suppressed_refusals();
  // The daemon's loop: report_suppressed_refusals() every `period`, forever.
  kj::Promise<void> report_suppressed_refusals_every(kj::Timer& timer, kj::Duration period);
  // Thread-safe: for `info`.
  engine::Engine::Identities engine_identities() const { return engine_.identities(); }
  // The counts behind /metrics: bumped here and by the transports, read by any thread.
  metrics::DaemonMetrics& metrics() { return metrics_; }
  const engine::Engine& engine() const { return engine_; }

 private:
  static void log_request(const Call::State& state);

  engine::Engine& engine_;
  std::shared_ptr<KjMailbox> mailbox_;
  policy::PolicyState& policy_;
  metrics::DaemonMetrics metrics_;
};

}  // namespace ddtr::gateway
