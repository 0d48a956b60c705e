// The request model: every option of the Go tool's TracerouteParams, with the
// Go tool's defaults. The client fills it from flags, the RPC layer carries it,
// the daemon validates and runs it. Plain value type.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ddtr {

namespace defaults {
inline constexpr int kPort = 33434;
inline constexpr int kTracerouteQueries = 3;
inline constexpr int kE2eQueries = 50;
inline constexpr int kMinTtl = 1;
inline constexpr int kMaxTtl = 30;
inline constexpr int kDelayMs = 50;
inline constexpr int kTimeoutMs = 3000;
inline constexpr std::string_view kProtocol = "udp";
inline constexpr std::string_view kTcpMethod = "syn";
}  // namespace defaults

struct TraceParams {
  std::string hostname;  // the raw target, possibly "host:port" or "[v6]:port"
  int port = defaults::kPort;
  std::string protocol{defaults::kProtocol};  // echoed verbatim in the output
  int min_ttl = defaults::kMinTtl;            // fixed by the Go CLI, not a flag
  int max_ttl = defaults::kMaxTtl;
  int delay_ms = defaults::kDelayMs;  // fixed by the Go CLI, not a flag
  int timeout_ms = defaults::kTimeoutMs;
  std::string tcp_method{defaults::kTcpMethod};
  bool want_v6 = false;
  bool tcp_syn_paris_traceroute_mode = false;
  bool reverse_dns = false;
  bool collect_source_public_ip = false;
  int traceroute_queries = defaults::kTracerouteQueries;
  int e2e_queries = defaults::kE2eQueries;
  bool use_windows_driver = false;
  bool skip_private_hops = false;

  bool operator==(const TraceParams&) const = default;
};

// Known values, exact and case-sensitive as upstream matches them.
bool is_known_protocol(std::string_view protocol);    // udp, tcp, icmp
bool is_known_tcp_method(std::string_view method);    // "", syn, sack, prefer_sack, syn_socket

// The Go `%+v` rendering used in upstream's first log line, for logs.
std::string describe(const TraceParams& params);

}  // namespace ddtr
