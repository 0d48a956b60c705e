#include "client/rpc_client.hpp"

#include <capnp/rpc-twoparty.h>

#include "client/daemon_endpoint.hpp"
#include "client/remote_error.hpp"
#include "proto/codec.hpp"

namespace ddtr::client {

struct DaemonConnection::State {
  kj::Own<kj::AsyncIoStream> stream;
  capnp::TwoPartyClient client;
  wire::Tracer::Client tracer;

  explicit State(kj::Own<kj::AsyncIoStream> s)
      : stream(kj::mv(s)), client(*stream), tracer(client.bootstrap().castAs<wire::Tracer>()) {}
};

DaemonConnection::DaemonConnection(kj::AsyncIoContext& io, std::string socket_path)
    : io_(io), socket_path_(std::move(socket_path)) {
  state_ = kj::heap<State>(connect_daemon(io_, socket_path_));
}

DaemonConnection::~DaemonConnection() = default;

kj::Promise<TraceOutcome> DaemonConnection::trace(const TraceParams& params, wire::HopListener::Client listener) {
  return send_trace(params, kj::Maybe<wire::HopListener::Client>(kj::mv(listener)));
}

kj::Promise<TraceOutcome> DaemonConnection::trace(const TraceParams& params) { return send_trace(params, nullptr); }

kj::Promise<TraceOutcome> DaemonConnection::send_trace(const TraceParams& params,
                                                       kj::Maybe<wire::HopListener::Client> listener) {
  auto request = state_->tracer.traceRequest();
  proto::write_request(params, request.initRequest());
  KJ_IF_MAYBE (l, listener) {
    request.setListener(kj::mv(*l));
  }
  return request.send().then(
      [](capnp::Response<wire::Tracer::TraceResults>&& response) -> TraceOutcome {
        auto result = response.getResult();
        if (result.isError()) {
          auto error = result.getError();
          return Error(proto::from_wire(error.getCode()), error.getMessage().cStr());
        }
        return proto::read_results(result.getResults());
      },
      [this](kj::Exception&& e) -> TraceOutcome { return failure(e.getDescription().cStr()); });
}

Error DaemonConnection::failure(const std::string& why) {
  // Our own write can fail (EPIPE: the daemon closed a refused connection)
  // before the read that would have found the daemon's Abort, which then
  // still waits in the socket.
  if (!typed_remote_error(why)) {
    if (auto refusal = unread_refusal(*state_->stream)) return *refusal;
  }
  return connection_failure(socket_path_, why);
}

std::string DaemonConnection::daemon_version() { return daemon_status().version; }

DaemonStatus DaemonConnection::daemon_status() {
  auto texts = [](capnp::List<capnp::Text>::Reader list) {
    std::vector<std::string> out;
    for (auto item : list) out.emplace_back(item.cStr());
    return out;
  };
  try {
    // A daemon that accepts but never answers must not hang `doctor`.
    auto response = state_->tracer.infoRequest()
                        .send()
                        .exclusiveJoin(io_.provider->getTimer().afterDelay(5 * kj::SECONDS).then(
                            []() -> capnp::Response<wire::Tracer::InfoResults> {
                              KJ_FAIL_REQUIRE("no answer within 5 s");
                            }))
                        .wait(io_.waitScope);
    auto info = response.getInfo();
    DaemonStatus s;
    s.version = info.getVersion().cStr();
    s.uid = info.getCallerUid();
    s.user = info.getCallerUser().cStr();
    s.groups = texts(info.getCallerGroups());
    s.role = info.getRole().cStr();
    s.role_rule = info.getRoleRule().cStr();
    auto l = info.getLimits();
    s.limits = {l.getMaxTracerouteQueries(), l.getMaxE2eQueries(), l.getMaxTtl(), l.getMinTimeoutMs(),
                l.getMaxTimeoutMs(), l.getPorts().cStr(), texts(l.getProtocols()), l.getConcurrentTraces(),
                l.getQueuedTraces(), l.getMaxConnections(), l.getBurst(), l.getRatePerMinute(),
                l.getProbesPerSecond()};
    auto u = info.getUsage();
    s.running = u.getRunning();
    s.queued = u.getQueued();
    s.connections = u.getConnections();
    s.tokens = u.getTokens();
    s.capabilities = texts(info.getCapabilities());
    s.config_path = info.getConfigPath().cStr();
    s.config_file_exists = info.getConfigFileExists();
    s.config_loaded_at = info.getConfigLoadedAt().cStr();
    s.audit_log_path = info.getAuditLogPath().cStr();
    s.audit_log_healthy = info.getAuditLogHealthy();
    s.audit_log_problem = info.getAuditLogProblem().cStr();
    s.daemon_uid = info.getDaemonUid();
    s.daemon_user = info.getDaemonUser().cStr();
    s.daemon_running = info.getRunningTraces();
    s.daemon_queued = info.getQueuedTraces();
    s.echo_ids_leased = info.getEchoIdsLeased();
    s.ports_reserved = info.getPortsReserved();
    s.demux_routes = info.getDemuxRoutes();
    s.global_probes_per_second = info.getGlobalProbesPerSecond();
    return s;
  } catch (const kj::Exception& e) {
    throw failure(e.getDescription().cStr());
  }
}

}  // namespace ddtr::client
