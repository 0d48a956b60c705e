#include "daemon/rpc/connection_admission.hpp"

#include <algorithm>
#include <string>

#include "daemon/gateway/trace_gateway.hpp"
#include "daemon/policy/policy.hpp"
#include "daemon/policy/role.hpp"
#include "daemon/rpc/connection_registry.hpp"

namespace ddtr::rpcserver {

int one_user_share(int global_max) {
  const int reserve = std::max(1, global_max / 8);
  return std::max(1, global_max - reserve);
}

std::optional<Error> connection_refusal(const ConnectionCounts& counts, const ConnectionLimits& limits) {
  const std::string head = "too many connections: user " + limits.user_name + " has " +
                           std::to_string(counts.user_open) + " open, ";
  if (counts.user_open >= limits.user_max) {
    return Error(ErrorCode::QuotaExceeded, head + "the most role \"" + limits.role + "\" allows (roles." + limits.role +
                                               ".max_connections " + std::to_string(limits.user_max) + ")");
  }
  const int share = one_user_share(limits.global_max);
  if (counts.user_open >= share) {
    return Error(ErrorCode::QuotaExceeded,
                 head + "the most one user may hold (global.max_connections " + std::to_string(limits.global_max) +
                     " less the " + std::to_string(limits.global_max - share) + " kept for other users)");
  }
  if (counts.total_open >= limits.global_max) {
    return Error(ErrorCode::QuotaExceeded, "too many connections: the daemon has " +
                                               std::to_string(counts.total_open) + " open (global.max_connections " +
                                               std::to_string(limits.global_max) + "); user " + limits.user_name +
                                               "'s connection refused");
  }
  return std::nullopt;
}

ConnectionVerdict judge_connection(DaemonContext& daemon, const policy::Identity& who) {
  auto rules = daemon.gateway.policy().rules();
  auto role = rules->role_of(who);
  ConnectionVerdict verdict;
  verdict.principal = policy::principal_key(who);
  ConnectionCounts counts{daemon.connections.of_user(verdict.principal), daemon.connections.total()};
  ConnectionLimits limits{who.user_name, std::string(policy::role_name(role.role)),
                          rules->limits(role.role).max_connections, rules->config().global_max_connections};
  verdict.refusal = connection_refusal(counts, limits);
  verdict.close_now = counts.total_open >= limits.global_max;
  return verdict;
}

}  // namespace ddtr::rpcserver
