#include "daemon/rpc/tracer_impl.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>
#include <kj/function.h>
#include <kj/vector.h>
#include <optional>
#include <vector>

#include "daemon/rpc/connection_refusal.hpp"
#include "platform/utc_time.hpp"
#include "proto/codec.hpp"
#include "shared/common/version.hpp"

namespace ddtr::rpcserver {
namespace {

// Per-call state, touched only on the KJ thread. `alive` turns false when the
// call is finished or cancelled, so late events are dropped.
struct CallState {
  bool alive = true;
  wire::HopListener::Client listener;
  kj::Vector<kj::Promise<void>> hop_calls;
  std::optional<engine::TraceOutcome> outcome;
  kj::Own<kj::PromiseFulfiller<void>> done;
  std::unique_ptr<gateway::TraceGateway::Call> call;
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

std::string rfc3339(std::chrono::system_clock::time_point time) {
  std::time_t t = std::chrono::system_clock::to_time_t(time);
  std::tm tm = platform::utc_tm(t);
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
  // No listener: the caller wants the result only, and is sent no hops.
  bool wants_hops = params.hasListener();
  auto state = std::make_shared<CallState>(wants_hops ? params.getListener() : wire::HopListener::Client(nullptr));
  auto paf = kj::newPromiseAndFulfiller<void>();
  state->done = kj::mv(paf.fulfiller);

  gateway::Caller caller;
  caller.who = who_;
  caller.principal = policy::principal_key(who_);
  caller.refusal = refusal_;
  std::weak_ptr<CallState> weak = state;
  state->call = daemon_.gateway.submit(
      std::move(caller), proto::read_request(params.getRequest()),
      wants_hops ? gateway::TraceGateway::HopSink([weak](const engine::HopEvent& event) {
        auto state = weak.lock();
        if (state && state->alive) send_hop(*state, event);
      })
                 : nullptr,
      [weak](engine::TraceOutcome outcome) {
        auto state = weak.lock();
        if (!state || !state->alive) return;
        state->outcome = std::move(outcome);
        state->done->fulfill();
      });

  return paf.promise
      .then([state]() {
        // Let every hop reach the client before the result does.
        return kj::joinPromises(state->hop_calls.releaseAsArray());
      })
      .then([context, state]() mutable {
        auto result = context.getResults().initResult();
        if (auto* error = std::get_if<Error>(&*state->outcome)) {
          auto out = result.initError();
          out.setCode(proto::to_wire(error->code()));
          out.setMessage(error->what());
        } else {
          proto::write_results(std::get<Results>(*state->outcome), result.initResults());
        }
      })
      .attach(kj::defer([state] {
        // The call finished, or was cancelled (client gone): dropping the
        // gateway's call cancels the trace if it still runs.
        state->alive = false;
        state->call.reset();
      }));
}

kj::Promise<void> TracerImpl::info(InfoContext context) {
  const auto now = std::chrono::steady_clock::now();
  if (!daemon_.info_rate.try_take(policy::principal_key(who_), now)) {
    const auto& rate = daemon_.info_rate.limits();
    Error refusal(ErrorCode::QuotaExceeded, "too many info calls: user " + who_.user_name + " may make " +
                                                std::to_string(static_cast<int>(rate.per_second)) +
                                                " a second (bursts of " + std::to_string(static_cast<int>(rate.burst)) +
                                                ")");
    if (auto unlogged = daemon_.info_refusals.admit(now)) {
      spdlog::warn("refused an info call: uid={} pid={}: {} {}",
                   who_.uid, who_.pid, refusal.what(), unlogged_note(*unlogged));
    }
    return refusal_exception(refusal);
  }
  auto& policy = daemon_.gateway.policy();
  auto rules = policy.rules();
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
  info.setCallerAccount(who_.account);  // Windows: the account of the SID the policy names it by
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
  out.setProbesPerSecond(limits.probes_per_second);
  auto& admission = policy.admission();
  auto usage = admission.usage(policy::principal_key(who_), limits);
  auto used = info.initUsage();
  used.setRunning(usage.running);
  used.setQueued(usage.queued);
  used.setTokens(usage.tokens);
  used.setConnections(daemon_.connections.of_user(policy::principal_key(who_)));
  auto caps = info.initCapabilities(static_cast<unsigned>(daemon_.capabilities.size()));
  for (unsigned i = 0; i < daemon_.capabilities.size(); ++i) caps.set(i, daemon_.capabilities[i]);
  info.setConfigPath(policy.config_path());
  info.setConfigFileExists(policy.config_file_exists());
  info.setConfigLoadedAt(rfc3339(policy.loaded_at()));
  info.setAuditLogPath(policy.audit().path());
  info.setAuditLogHealthy(policy.audit().healthy());
  info.setAuditLogProblem(policy.audit().problem());
  info.setDaemonUid(daemon_.uid);
  info.setDaemonUser(daemon_.user);
  info.setRunningTraces(static_cast<uint32_t>(admission.running()));
  info.setQueuedTraces(static_cast<uint32_t>(admission.queued()));
  info.setGlobalProbesPerSecond(policy.rules()->config().global_probes_per_second);
  // Daemon-wide counts like the two above, so every caller sees them.
  auto identities = daemon_.gateway.engine_identities();
  info.setEchoIdsLeased(static_cast<uint32_t>(identities.echo_ids));
  info.setPortsReserved(static_cast<uint32_t>(identities.ports));
  info.setDemuxRoutes(static_cast<uint32_t>(identities.demux_routes));
  return kj::READY_NOW;
}

}  // namespace ddtr::rpcserver
