#include "daemon/probes/udp/udp_probe.hpp"

#include "daemon/probes/udp/udp_packet_build.hpp"
#include "daemon/probes/wire/icmp_message.hpp"
#include "daemon/probes/wire/ipv4_header.hpp"

namespace ddtr::probes {

UdpProbe::UdpProbe(UdpProbeConfig config) : config_(config), sent_(config.min_ttl, config.max_ttl, "udpDriver") {
  if (config_.local.address.is_v6() != config_.target.address.is_v6()) {
    throw Error(ErrorCode::Unknown, "UDP traceroute: local and target addresses are of different families");
  }
}

// Upstream asks for the ICMP filter for UDP too: replies are all ICMP.
platform::PacketFilterSpec UdpProbe::filter() const { return {platform::FilterType::Icmp, {}, {}}; }

std::vector<std::uint8_t> UdpProbe::build_probe(int ttl) {
  sent_.mark(ttl);
  auto t = static_cast<std::uint8_t>(ttl);
  return config_.target.address.is_v6() ? build_udp_probe_v6(config_.local, config_.target, t)
                                        : build_udp_probe_v4(config_.local, config_.target, t);
}

std::optional<ProbeResponse> UdpProbe::match(std::span<const std::uint8_t> ip_packet) const {
  auto m = parse_icmp_message(ip_packet);
  if (!m || !m->quoted || m->is_v6() != config_.target.address.is_v6()) return std::nullopt;
  // TTL exceeded in transit (code 0), or any unreachable, as upstream.
  bool expired = m->kind == IcmpKind::TimeExceeded && m->code == 0;
  if (!expired && m->kind != IcmpKind::DestUnreachable) return std::nullopt;
  const QuotedPacket& q = *m->quoted;
  auto ports = quoted_ports(q);
  if (q.protocol != kProtoUdp || !ports) return std::nullopt;
  // Exact identity: our target and port, and (never loosened) our source port,
  // which the reserving socket makes unique on the host.
  if (q.dst != config_.target.address || ports->dst != config_.target.port) return std::nullopt;
  if (q.src != config_.local.address || ports->src != config_.local.port) return std::nullopt;
  int ttl = m->is_v6() ? static_cast<int>(q.payload_length) - (udp_v6_probe_length(0))
                       : static_cast<int>(q.ipv4_id) - kUdpIpIdBase;
  if (!sent_.was_sent(ttl)) return std::nullopt;
  return ProbeResponse{ttl, m->outer_src, m->outer_src == config_.target.address};
}

}  // namespace ddtr::probes
