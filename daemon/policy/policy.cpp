#include "daemon/policy/policy.hpp"

#include <algorithm>

#include "shared/common/embedded_ipv4.hpp"
#include "shared/common/error.hpp"

namespace ddtr::policy {
namespace {

template <typename T>
bool has(const std::vector<T>& list, const T& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// Which list of `rule` names the caller, or "" when none does.
std::string matching_list(const AccessRule& rule, const Identity& who) {
  if (has(rule.users, who.user_name)) return "users";
  if (has(rule.uids, who.uid)) return "uids";
  for (const auto& name : who.group_names) {
    if (has(rule.groups, name)) return "groups";
  }
  for (auto gid : who.groups) {
    if (has(rule.gids, gid)) return "gids";
  }
  if (has(rule.gids, who.gid)) return "gids";
  return "";
}

std::string quoted_role(Role role) { return "\"" + std::string(role_name(role)) + "\""; }

void check_at_most(int value, int limit, const char* what, const char* key, Role role) {
  if (value > limit) {
    throw Error(ErrorCode::InvalidRequest, std::string(what) + " " + std::to_string(value) + " is above the limit of " +
                                               std::to_string(limit) + " for role " + quoted_role(role) + " (roles." +
                                               std::string(role_name(role)) + "." + key + ")");
  }
}

}  // namespace

Policy::Policy(PolicyConfig config) : config_(std::move(config)), deny_(config_.deny) {
  if (config_.default_deny) {
    auto defaults = default_denied_destinations();
    deny_.insert(deny_.end(), defaults.begin(), defaults.end());
  }
}

RoleDecision Policy::role_of(const Identity& who) const {
  // Denial wins over everything, then root (who could run the tool itself),
  // then the most privileged role that names the caller.
  std::string list = matching_list(config_.rule(Role::Denied), who);
  if (!list.empty()) return {Role::Denied, "access.denied." + list};
  if (who.uid == 0) return {Role::Admin, "root"};
  if (who.os_admin) return {Role::Admin, "administrators"};
  for (Role role : {Role::Admin, Role::User}) {
    list = matching_list(config_.rule(role), who);
    if (!list.empty()) return {role, "access." + std::string(role_name(role)) + "." + list};
  }
  return {config_.default_role, "access.default_role"};
}

void Policy::check_request(const Identity& who, const RoleDecision& decision, const TraceParams& p) const {
  Role role = decision.role;
  if (role == Role::Denied) {
    // HTTP callers have no uid (kNoUid): they are named by their token.
    std::string caller = who.uid == kNoUid ? who.user_name : "user " + who.user_name + " (uid " + std::to_string(who.uid) + ")";
    throw Error(ErrorCode::Unauthorized, caller + " may not trace: role " + quoted_role(role) + " (" + decision.rule + ")");
  }
  const RoleLimits& limits = config_.limits(role);
  if (!has(limits.protocols, p.protocol)) {
    throw Error(ErrorCode::PolicyDenied, "protocol " + p.protocol + " is not allowed for role " + quoted_role(role) +
                                             " (roles." + std::string(role_name(role)) + ".protocols)");
  }
  // The engine masks TTLs to 8 bits as upstream does: judge what will be sent.
  check_at_most(p.max_ttl & 0xff, limits.max_ttl, "max TTL", "max_ttl", role);
  check_at_most(p.traceroute_queries, limits.max_traceroute_queries, "traceroute queries", "max_traceroute_queries",
                role);
  check_at_most(p.e2e_queries, limits.max_e2e_queries, "e2e queries", "max_e2e_queries", role);
  check_at_most(p.timeout_ms, limits.max_timeout_ms, "timeout (ms)", "max_timeout_ms", role);
  if (p.timeout_ms < limits.min_timeout_ms) {
    throw Error(ErrorCode::InvalidRequest, "timeout (ms) " + std::to_string(p.timeout_ms) + " is below the minimum of " +
                                               std::to_string(limits.min_timeout_ms) + " for role " + quoted_role(role) +
                                               " (roles." + std::string(role_name(role)) + ".min_timeout_ms)");
  }
  // A literal address is judged now, before it waits in a queue.
  boost::system::error_code ec;
  IpAddress literal = boost::asio::ip::make_address(p.hostname, ec);
  if (!ec) check_address(literal);
}

void Policy::check_target(const RoleDecision& decision, const std::string& protocol, const Endpoint& target) const {
  check_address(target.address);
  if (protocol == "icmp") return;  // ICMP has no port
  const RoleLimits& limits = config_.limits(decision.role);
  bool allowed = std::any_of(limits.ports.begin(), limits.ports.end(), [&](const PortRange& range) {
    return target.port >= range.first && target.port <= range.last;
  });
  if (!allowed) {
    std::string role(role_name(decision.role));
    throw Error(ErrorCode::InvalidRequest, "port " + std::to_string(target.port) + " is not allowed for role \"" + role +
                                               "\" (roles." + role + ".ports: " + describe_ports(limits.ports) + ")");
  }
}

void Policy::check_address(const IpAddress& address) const {
  check_one_address(address, "");
  // The IPv4 address an IPv6 form carries must pass too: a packet to
  // 64:ff9b::a9fe:a9fe reaches 169.254.169.254 through a NAT64 gateway.
  // (IPv4-mapped addresses are judged as IPv4 alone, by Cidr and here.)
  IpAddress judged = canonical_address(address);
  if (!judged.is_v6()) return;
  for (const auto& inner : embedded_ipv4(judged.to_v6())) {
    check_one_address(IpAddress(inner.address),
                      " (the IPv4 address inside " + ip_text(address) + ", " + std::string(inner.form) + ")");
  }
}

void Policy::check_one_address(const IpAddress& address, const std::string& inside) const {
  std::string text = ip_text(address) + inside;
  for (std::size_t i = 0; i < deny_.size(); ++i) {
    if (deny_[i].contains(address)) {
      bool from_config = i < config_.deny.size();
      throw Error(ErrorCode::PolicyDenied,
                  "destination " + text + " is denied by " + deny_[i].text() +
                      (from_config ? " (destinations.deny)" : " (the default deny list; destinations.default_deny)"));
    }
  }
  bool allowed = std::any_of(config_.allow.begin(), config_.allow.end(),
                             [&](const Cidr& block) { return block.contains(address); });
  if (!allowed) {
    throw Error(ErrorCode::PolicyDenied, "destination " + text + " is not in destinations.allow");
  }
}

}  // namespace ddtr::policy
