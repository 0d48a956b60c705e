#include "shared/common/trace_params.hpp"

#include <sstream>

namespace ddtr {

bool is_known_protocol(std::string_view protocol) {
  return protocol == "udp" || protocol == "tcp" || protocol == "icmp";
}

bool is_known_tcp_method(std::string_view method) {
  return method.empty() || method == "syn" || method == "sack" || method == "prefer_sack" ||
         method == "syn_socket";
}

std::string describe(const TraceParams& p) {
  auto b = [](bool v) { return v ? "true" : "false"; };
  std::ostringstream out;
  out << "{Hostname:" << p.hostname << " Port:" << p.port << " Protocol:" << p.protocol
      << " MinTTL:" << p.min_ttl << " MaxTTL:" << p.max_ttl << " Delay:" << p.delay_ms
      << " Timeout:" << p.timeout_ms << "ms TCPMethod:" << p.tcp_method
      << " WantV6:" << b(p.want_v6)
      << " TCPSynParisTracerouteMode:" << b(p.tcp_syn_paris_traceroute_mode)
      << " ReverseDns:" << b(p.reverse_dns)
      << " CollectSourcePublicIP:" << b(p.collect_source_public_ip)
      << " TracerouteQueries:" << p.traceroute_queries << " E2eQueries:" << p.e2e_queries
      << " UseWindowsDriver:" << b(p.use_windows_driver)
      << " SkipPrivateHops:" << b(p.skip_private_hops) << "}";
  return out.str();
}

}  // namespace ddtr
