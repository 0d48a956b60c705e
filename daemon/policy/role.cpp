#include "daemon/policy/role.hpp"

namespace ddtr::policy {

std::string_view role_name(Role role) {
  switch (role) {
    case Role::Admin: return "admin";
    case Role::User: return "user";
    case Role::Denied: return "denied";
  }
  return "denied";
}

RoleLimits default_limits(Role role) {
  RoleLimits limits;
  switch (role) {
    case Role::Admin:
      // Operators: the Go tool's whole range, with quotas that only stop runaways.
      limits.max_traceroute_queries = 100;
      limits.max_e2e_queries = 1000;
      limits.max_ttl = 255;
      limits.min_timeout_ms = 1;
      limits.max_timeout_ms = 60'000;
      limits.concurrent_traces = 64;
      limits.queued_traces = 10'000;
      limits.max_connections = 1024;
      limits.rate_per_minute = 6000;
      limits.burst = 1000;
      limits.probes_per_second = 5000;
      break;
    case Role::User:
      break;
    case Role::Denied:
      limits.concurrent_traces = 0;
      limits.queued_traces = 0;
      limits.max_connections = 4;  // enough to ask `doctor` why
      limits.rate_per_minute = 0;
      limits.burst = 0;
      limits.probes_per_second = 0;  // no trace may start anyway
      break;
  }
  return limits;
}

std::string describe_ports(const std::vector<PortRange>& ports) {
  std::string out;
  for (const auto& range : ports) {
    if (!out.empty()) out += ',';
    out += std::to_string(range.first);
    if (range.last != range.first) out += '-' + std::to_string(range.last);
  }
  return out.empty() ? "none" : out;
}

}  // namespace ddtr::policy
