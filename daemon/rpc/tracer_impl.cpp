#include "daemon/rpc/tracer_impl.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>
#include <kj/function.h>
#include <kj/vector.h>
#include <optional>
#include <vector>

#include "proto/codec.hpp"
#include "shared/common/version.hpp"

namespace ddtr::rpcserver {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point since) {
  return std::chrono::duration<double, std::milli>(Clock::now() - since).count();
}

// Per-call state, touched only on the KJ thread (engine callbacks reach it
// through the mailbox). `alive` turns false when the call is finished or
// cancelled, so late engine events are dropped.
struct CallState {
  bool alive = true;
  wire::HopListener::Client listener;
  kj::Vector<kj::Promise<void>> hop_calls;
  std::optional<engine::TraceOutcome> outcome;
  kj::Own<kj::PromiseFulfiller<void>> done;
  policy::Admission::Ticket ticket;
  std::optional<engine::Engine::TraceId> engine_id;
  policy::AuditRecord audit;
  Clock::time_point arrived = Clock::now();
  Clock::time_point started{};
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

void set_error(wire::TraceResult::Builder result, const Error& error) {
  auto out = result.initError();
  out.setCode(proto::to_wire(error.code()));
  out.setMessage(error.what());
}

std::string rfc3339(std::chrono::system_clock::time_point time) {
  std::time_t t = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

}  // namespace

TracerImpl::TracerImpl(DaemonContext& daemon, policy::Identity who, std::optional<Error> refusal)
    : daemon_(daemon), who_(std::move(who)), refusal_(std::move(refusal)) {}

kj::Promise<void> TracerImpl::trace(TraceContext context) {
  context.allowCancellation();
  auto params = context.getParams();
  auto state = std::make_shared<CallState>(params.getListener());
  policy::AuditRecord& audit = state->audit;
  audit.time = std::chrono::system_clock::now();
  audit.who = who_;
  audit.params = proto::read_request(params.getRequest());
  const ddtr::TraceParams& request = audit.params;

  auto rules = daemon_.policy.rules();  // this call keeps its rules through a reload
  policy::RoleDecision role = rules->role_of(who_);
  audit.role = std::string(policy::role_name(role.role));
  spdlog::info("trace request: uid={} user={} gid={} pid={} role={} target=\"{}\" params={}", who_.uid, who_.user_name,
               who_.gid, who_.pid, audit.role, request.hostname, describe(request));

  auto& engine = daemon_.engine;
  auto mailbox = daemon_.mailbox;
  std::weak_ptr<CallState> weak = state;
  // Runs once admission gives this call a slot: now, or when one frees.
  auto start = [&engine, mailbox, weak, rules, role]() {
    auto state = weak.lock();
    if (!state || !state->alive) return;
    state->started = Clock::now();
    state->audit.queued_ms = std::chrono::duration<double, std::milli>(state->started - state->arrived).count();
    // The engine thread holds only weak references: the call state owns KJ
    // objects, which must be created and destroyed on the KJ thread alone.
    engine::TraceObserver observer;
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
    // `rules` is immutable, so the engine thread may read it while a reload
    // swaps in new rules here.
    std::string protocol = state->audit.params.protocol;
    observer.check_target = [rules, role, protocol](const Endpoint& target) {
      rules->check_target(role, protocol, target);
    };
    state->engine_id = engine.start_trace(state->audit.params, std::move(observer));
  };

  auto paf = kj::newPromiseAndFulfiller<void>();
  state->done = kj::mv(paf.fulfiller);
  try {
    if (refusal_) throw *refusal_;
    engine::validate_request(request);
    rules->check_request(who_, role, request);
    state->ticket = daemon_.policy.admission().submit(who_.uid, who_.user_name, role.role, rules->limits(role.role),
                                                      start);
  } catch (const Error& e) {
    spdlog::info("trace refused: uid={} pid={} {} ({})", who_.uid, who_.pid, error_code_name(e.code()), e.what());
    audit.verdict = "refused";
    audit.error = e;
    audit.duration_ms = ms_since(state->arrived);
    daemon_.policy.audit().write(audit);
    state->alive = false;
    set_error(context.getResults().initResult(), e);
    return kj::READY_NOW;
  }
  audit.verdict = "allowed";
  if (!state->ticket.running()) {
    spdlog::debug("trace queued: uid={} pid={} ({} running, {} waiting daemon-wide)", who_.uid, who_.pid,
                  daemon_.policy.admission().running(), daemon_.policy.admission().queued());
  }

  auto* policy_state = &daemon_.policy;
  return paf.promise
      .then([state]() {
        // Let every hop reach the client before the result does.
        return kj::joinPromises(state->hop_calls.releaseAsArray());
      })
      .then([context, state]() mutable {
        auto result = context.getResults().initResult();
        if (auto* error = std::get_if<Error>(&*state->outcome)) {
          set_error(result, *error);
        } else {
          proto::write_results(std::get<Results>(*state->outcome), result.initResults());
        }
      })
      .attach(kj::defer([state, &engine, policy_state] {
        // Runs when the call finishes or is cancelled (client gone): either way
        // the engine lets go of the trace and admission of its slot, at once.
        policy::AuditRecord& audit = state->audit;
        if (!state->outcome) {
          audit.outcome = "cancelled";
          spdlog::info("trace cancelled: uid={} pid={} (client went away)", audit.who.uid, audit.who.pid);
        } else if (auto* error = std::get_if<Error>(&*state->outcome)) {
          audit.outcome = "error";
          audit.error = *error;
        } else {
          audit.outcome = "ok";
        }
        audit.duration_ms = ms_since(state->arrived);
        spdlog::info("trace done: uid={} pid={} {}{} after {:.3f}s (queued {:.3f}s)", audit.who.uid, audit.who.pid,
                     audit.outcome, audit.error ? std::string(" ") + std::string(error_code_name(audit.error->code())) + " (" + audit.error->what() + ")" : std::string(),
                     audit.duration_ms / 1000, audit.queued_ms / 1000);
        state->alive = false;
        if (state->engine_id) engine.cancel_trace(*state->engine_id);
        state->ticket.release();
        policy_state->audit().write(audit);
      }));
}

kj::Promise<void> TracerImpl::info(InfoContext context) {
  auto rules = daemon_.policy.rules();
  auto role = rules->role_of(who_);
  const policy::RoleLimits& limits = rules->limits(role.role);
  auto info = context.getResults().initInfo();
  info.setVersion(kVersion);
  info.setCallerUid(who_.uid);
  info.setCallerGid(who_.gid);
  info.setCallerPid(who_.pid);
  auto protocols = info.initProtocols(3);
  protocols.set(0, "icmp");
  protocols.set(1, "udp");
  protocols.set(2, "tcp");
  info.setCallerUser(who_.user_name);
  auto groups = info.initCallerGroups(static_cast<unsigned>(who_.group_names.size()));
  for (unsigned i = 0; i < who_.group_names.size(); ++i) groups.set(i, who_.group_names[i]);
  info.setRole(std::string(policy::role_name(role.role)));
  info.setRoleRule(role.rule);
  auto out = info.initLimits();
  out.setMaxTracerouteQueries(limits.max_traceroute_queries);
  out.setMaxE2eQueries(limits.max_e2e_queries);
  out.setMaxTtl(limits.max_ttl);
  out.setMinTimeoutMs(limits.min_timeout_ms);
  out.setMaxTimeoutMs(limits.max_timeout_ms);
  out.setPorts(policy::describe_ports(limits.ports));
  auto allowed = out.initProtocols(static_cast<unsigned>(limits.protocols.size()));
  for (unsigned i = 0; i < limits.protocols.size(); ++i) allowed.set(i, limits.protocols[i]);
  out.setConcurrentTraces(limits.concurrent_traces);
  out.setQueuedTraces(limits.queued_traces);
  out.setMaxConnections(limits.max_connections);
  out.setRatePerMinute(limits.rate_per_minute);
  out.setBurst(limits.burst);
  auto& admission = daemon_.policy.admission();
  auto usage = admission.usage(who_.uid, limits);
  auto used = info.initUsage();
  used.setRunning(usage.running);
  used.setQueued(usage.queued);
  used.setTokens(usage.tokens);
  used.setConnections(daemon_.connections.of_user(who_.uid));
  auto caps = info.initCapabilities(static_cast<unsigned>(daemon_.capabilities.size()));
  for (unsigned i = 0; i < daemon_.capabilities.size(); ++i) caps.set(i, daemon_.capabilities[i]);
  info.setConfigPath(daemon_.policy.config_path());
  info.setConfigFileExists(daemon_.policy.config_file_exists());
  info.setConfigLoadedAt(rfc3339(daemon_.policy.loaded_at()));
  info.setAuditLogPath(daemon_.policy.audit().path());
  info.setAuditLogHealthy(daemon_.policy.audit().healthy());
  info.setRunningTraces(static_cast<uint32_t>(admission.running()));
  info.setQueuedTraces(static_cast<uint32_t>(admission.queued()));
  return kj::READY_NOW;
}

}  // namespace ddtr::rpcserver
