#include "daemon/rpc/connection_admission.hpp"

#include <spdlog/spdlog.h>

#include <string>

#include "daemon/gateway/trace_gateway.hpp"
#include "daemon/policy/policy.hpp"
#include "daemon/policy/role.hpp"
#include "daemon/rpc/connection_registry.hpp"

namespace ddtr::rpcserver {

ConnectionVerdict judge_connection(DaemonContext& daemon, const policy::Identity& who) {
  auto rules = daemon.gateway.policy().rules();
  auto role = rules->role_of(who);
  const auto& limits = rules->limits(role.role);
  ConnectionVerdict verdict;
  if (daemon.connections.total() >= rules->config().global_max_connections) {
    spdlog::warn("closing a connection from user={} pid={}: the daemon has {} open (global.max_connections)",
                 who.user_name, who.pid, daemon.connections.total());
    verdict.close_now = true;
    return verdict;
  }
  verdict.principal = policy::principal_key(who);
  const auto open = daemon.connections.of_user(verdict.principal);
  if (open >= limits.max_connections) {
    std::string role_text(policy::role_name(role.role));
    std::string message = "too many connections: user ";
    message.append(who.user_name).append(" has ").append(std::to_string(open));
    message.append(" open, the most role \"").append(role_text).append("\" allows (roles.").append(role_text);
    message.append(".max_connections ").append(std::to_string(limits.max_connections)).append(")");
    verdict.refusal = Error(ErrorCode::QuotaExceeded, std::move(message));
  }
  return verdict;
}

}  // namespace ddtr::rpcserver
