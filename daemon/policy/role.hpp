// Roles and what each may do. A role is a name a config file gives to a set of
// bounds and quotas; the three built-in names are the ones the access rules use.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ddtr::policy {

enum class Role { Admin, User, Denied };

std::string_view role_name(Role role);

struct PortRange {
  int first = 1;
  int last = 65535;
  bool operator==(const PortRange&) const = default;
};

// Parameter bounds and quotas of one role. Every field has a default, so a
// config file names only what it changes.
struct RoleLimits {
  int max_traceroute_queries = 10;
  int max_e2e_queries = 100;
  int max_ttl = 64;
  int min_timeout_ms = 10;
  int max_timeout_ms = 10'000;
  std::vector<PortRange> ports{PortRange{}};
  std::vector<std::string> protocols{"icmp", "udp", "tcp"};
  int concurrent_traces = 4;    // running at once
  int queued_traces = 100;      // waiting for a slot, beyond the running ones
  int max_connections = 32;     // open connections to the daemon
  double rate_per_minute = 60;  // token bucket refill
  int burst = 30;               // token bucket size
  // Probes per second this role's traces may emit, per user (the packet
  // budget: a user over it is slowed, never failed); 0 = no bound but the global one.
  double probes_per_second = 100;
};

RoleLimits default_limits(Role role);

// "1-65535,80" style, for messages and `doctor`.
std::string describe_ports(const std::vector<PortRange>& ports);

}  // namespace ddtr::policy
