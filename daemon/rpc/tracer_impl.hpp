// The Tracer capability one connection sees. It knows who is calling (peer
// credentials read when the connection was accepted), passes each request
// through the gateway (judged, admitted, run, audited) and streams hops back
// through the caller's HopListener.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "daemon/gateway/trace_gateway.hpp"
#include "daemon/policy/identity.hpp"
#include "daemon/rpc/connection_registry.hpp"
#include "daemon/rpc/info_rate_limit.hpp"
#include "daemon/rpc/refusal_log.hpp"
#include "proto/traceroute.capnp.h"

namespace ddtr::rpcserver {

// What every connection borrows from the daemon (all on the RPC thread).
struct DaemonContext {
  gateway::TraceGateway& gateway;
  ConnectionRegistry& connections;
  std::vector<std::string> capabilities;  // the daemon's own, for `doctor`
  std::uint32_t uid = 0xffffffffu;         // the daemon's account after its privilege drop (unknown: Windows)
  std::string user{};
  InfoRateLimit info_rate{};                  // `info` calls per user
  RefusalLog info_refusals{5, std::chrono::seconds(10)};  // their log lines, bounded
};

class TracerImpl final : public wire::Tracer::Server {
 public:
  // `refusal`: set when the connection itself is over a limit; every trace
  // call is then answered with it (a refusal is an answer, not a hang-up).
  TracerImpl(DaemonContext& daemon, policy::Identity who, std::optional<Error> refusal);

  kj::Promise<void> trace(TraceContext context) override;
  kj::Promise<void> info(InfoContext context) override;

 private:
  DaemonContext& daemon_;
  policy::Identity who_;
  std::optional<Error> refusal_;
};

}  // namespace ddtr::rpcserver
