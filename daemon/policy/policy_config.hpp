// The daemon's policy file (`--config`, JSON): who may trace, within which
// bounds and quotas, to which destinations, and where the audit log goes.
// Parsed into one immutable value at start and on SIGHUP; every key has a
// default, unknown keys are errors (a typo must not silently loosen a rule).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/policy/cidr.hpp"
#include "daemon/policy/role.hpp"
#include "platform/default_paths.hpp"

namespace ddtr::policy {

inline constexpr const char* kDefaultConfigPath = platform::kDefaultPolicyPath;
inline constexpr const char* kDefaultAuditLogPath = platform::kDefaultAuditLogPath;

// Who a role's rule names. A caller matches when any list names it.
struct AccessRule {
  std::vector<std::string> users;
  std::vector<std::uint32_t> uids;
  std::vector<std::string> groups;
  std::vector<std::uint32_t> gids;
};

// Always denied unless `destinations.default_deny` is false: link-local (with
// the cloud metadata services), multicast, broadcast, "this network" and the
// unspecified address.
std::vector<Cidr> default_denied_destinations();

// A bearer token of the HTTP API: the config keeps only its SHA-256.
struct HttpToken {
  std::string name;
  std::array<unsigned char, 32> sha256{};
  Role role = Role::User;
};

// The HTTP API (off by default). Request limits keep slow or malformed
// clients from holding the daemon.
struct HttpConfig {
  bool enabled = false;
  std::string listen = "127.0.0.1:3765";
  Role anonymous_role = Role::User;  // requests without a token (loopback listeners only)
  std::vector<HttpToken> tokens;
  // Names a request's Host (and a browser's Origin) may give besides
  // localhost, loopback addresses and the listen address: "name" or "name:port".
  std::vector<std::string> allowed_hosts;
  int max_connections = 64;
  // At most this many of them per caller (a local uid, else a peer address);
  // not set: 8, or max_connections when that is smaller.
  int max_connections_per_caller = 8;
  int max_request_bytes = 8192;
  int max_header_fields = 64;
  int idle_timeout_ms = 10'000;
};

// An HTTP listen address, "ADDR:PORT" or "[V6ADDR]:PORT".
struct ListenAddress {
  IpAddress address;
  std::uint16_t port = 0;
};
ListenAddress parse_listen_address(const std::string& text);  // throws Error(InvalidRequest)

// A listener off loopback must not serve anonymous callers: it requires tokens
// and anonymous_role "denied". Throws Error(InvalidRequest) saying so.
void check_http_exposure(const HttpConfig& http, const std::string& listen);

struct PolicyConfig {
  Role default_role = Role::User;
  // Indexed by Role.
  std::array<AccessRule, 3> access{};  // root is admin without a rule (unless denied)
  std::array<RoleLimits, 3> roles{default_limits(Role::Admin), default_limits(Role::User),
                                  default_limits(Role::Denied)};
  int global_concurrent_traces = 64;
  int global_queued_traces = 10'000;
  int global_max_connections = 4096;
  // Per principal: refusals logged and audited one by one before only a summary
  // per minute is (RefusalBudget); the refused caller is answered either way.
  int refusal_burst = 20;
  double refusals_per_minute = 10;
  double global_probes_per_second = 10'000;  // the packet budget of the whole daemon; 0 = no bound
  std::vector<Cidr> allow{Cidr::parse("0.0.0.0/0"), Cidr::parse("::/0")};
  std::vector<Cidr> deny;  // in addition to the defaults
  bool default_deny = true;
  std::string audit_log = platform::default_audit_log_path();  // "" disables it (Windows: the real %ProgramData%)
  std::string socket_group;                      // "" leaves the group alone
  int socket_mode = 0666;
  HttpConfig http;
  // public_ip.proxy: the proxy of the public IP fetch, winning over the
  // daemon's HTTPS_PROXY/HTTP_PROXY/NO_PROXY; "direct" for none; "" (the
  // default): the environment decides.
  std::string public_ip_proxy;

  const AccessRule& rule(Role role) const { return access[static_cast<std::size_t>(role)]; }
  const RoleLimits& limits(Role role) const { return roles[static_cast<std::size_t>(role)]; }
};

// Throws ddtr::Error(InvalidRequest) "config: <key path>: <what is wrong>".
PolicyConfig parse_policy_config(std::string_view json_text);

// Reads and parses `path`. A missing file is the defaults when `path` is the
// default path (a daemon without a policy file still runs), an error when the
// operator named it. Errors carry the path.
PolicyConfig load_policy_config(const std::string& path, bool path_is_default);

}  // namespace ddtr::policy
