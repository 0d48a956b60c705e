// The rules of one policy file, judged against one caller and one request.
// Immutable once built: a reload builds a new Policy and swaps it in, so a
// judgement never sees half of an old file and half of a new one, and the
// engine thread may hold a snapshot while the RPC thread swaps.
#pragma once

#include <string>

#include "daemon/policy/identity.hpp"
#include "daemon/policy/policy_config.hpp"
#include "shared/common/ip_address.hpp"
#include "shared/common/trace_params.hpp"

namespace ddtr::policy {

struct RoleDecision {
  Role role = Role::Denied;
  std::string rule;  // which key decided it, e.g. "access.admin.uids" or "access.default_role"
};

class Policy {
 public:
  explicit Policy(PolicyConfig config);

  RoleDecision role_of(const Identity& who) const;
  const RoleLimits& limits(Role role) const { return config_.limits(role); }
  const PolicyConfig& config() const { return config_; }

  // Before anything runs. Throws Error: UNAUTHORIZED for the denied role,
  // POLICY_DENIED for a protocol the role may not use or a literal target
  // address the destination rules refuse, INVALID_REQUEST for an option out of
  // the role's bounds. Each message names the rule and the limit.
  void check_request(const Identity& who, const RoleDecision& role, const TraceParams& params) const;

  // Once the target is resolved (a host name may resolve anywhere, a
  // "host:port" target may carry its own port): the destination rules and the
  // role's ports. Throws POLICY_DENIED / INVALID_REQUEST.
  void check_target(const RoleDecision& role, const std::string& protocol, const Endpoint& target) const;

 private:
  // The address and every IPv4 address it carries (shared/common/embedded_ipv4.hpp).
  void check_address(const IpAddress& address) const;
  // `inside`: "" or where the address was found, for the message.
  void check_one_address(const IpAddress& address, const std::string& inside) const;

  PolicyConfig config_;
  std::vector<Cidr> deny_;  // the config's deny list plus, unless disabled, the defaults
};

}  // namespace ddtr::policy
