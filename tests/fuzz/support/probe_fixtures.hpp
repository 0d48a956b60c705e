// The probe strategies the fuzz targets run, and the corpus generator builds
// replies for: one fixed configuration per kind and family. Sequence bases sit
// just below 2^32 so sequence arithmetic wraps, and only TTLs up to
// kLastSentTtl are sent, so a reply naming a TTL in the run's range that was
// never sent must be refused.
#pragma once

#include <boost/asio/ip/address.hpp>

#include "daemon/probes/icmp/icmp_probe.hpp"
#include "daemon/probes/tcp/sack_probe.hpp"
#include "daemon/probes/tcp/tcp_syn_probe.hpp"
#include "daemon/probes/udp/udp_probe.hpp"

namespace ddtr::fuzz {

inline constexpr int kMinTtl = 1;
inline constexpr int kMaxTtl = 30;
inline constexpr int kLastSentTtl = 20;

inline IpAddress local_address(bool v6) { return boost::asio::ip::make_address(v6 ? "2001:db8::5" : "192.0.2.5"); }
inline IpAddress target_address(bool v6) {
  return boost::asio::ip::make_address(v6 ? "2001:db8:1::5" : "203.0.113.5");
}
inline IpAddress router_address(bool v6) {
  return boost::asio::ip::make_address(v6 ? "2001:db8:2::1" : "198.51.100.1");
}

inline probes::IcmpProbeConfig icmp_config(bool v6) {
  return {local_address(v6), target_address(v6), 0x4242, kMinTtl, kMaxTtl};
}
inline probes::UdpProbeConfig udp_config(bool v6) {
  return {{local_address(v6), 40000}, {target_address(v6), 33434}, kMinTtl, kMaxTtl};
}
inline probes::TcpSynProbeConfig tcp_syn_config(bool v6) {
  return {{local_address(v6), 40001}, {target_address(v6), 443}, 0xfffffff0u, 1000, kMinTtl, kMaxTtl};
}
inline probes::SackProbeConfig sack_config(bool v6) {
  return {{local_address(v6), 40002}, {target_address(v6), 443}, 0xfffffff8u, 5001,
          probes::TcpTimestamps{2050, 1000}, kMinTtl, kMaxTtl};
}

// A strategy that has sent kMinTtl..kLastSentTtl.
template <typename Strategy, typename Config>
Strategy sent_strategy(const Config& config) {
  Strategy strategy(config);
  for (int ttl = kMinTtl; ttl <= kLastSentTtl; ++ttl) strategy.build_probe(ttl);
  return strategy;
}

}  // namespace ddtr::fuzz
