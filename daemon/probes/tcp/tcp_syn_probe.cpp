#include "daemon/probes/tcp/tcp_syn_probe.hpp"

#include "daemon/probes/tcp/tcp_packet_build.hpp"
#include "daemon/probes/wire/byte_order.hpp"
#include "daemon/probes/wire/icmp_message.hpp"
#include "daemon/probes/wire/ipv4_header.hpp"
#include "daemon/probes/wire/tcp_segment.hpp"

namespace ddtr::probes {

TcpSynProbe::TcpSynProbe(TcpSynProbeConfig config)
    : config_(config), sent_(config.min_ttl, config.max_ttl, "tcpDriver") {
  if (config_.local.address.is_v6() != config_.target.address.is_v6()) {
    throw Error(ErrorCode::Unknown, "TCP traceroute: local and target addresses are of different families");
  }
}

platform::PacketFilterSpec TcpSynProbe::filter() const {
  return {platform::FilterType::Tcp, config_.target, config_.local};
}

std::vector<std::uint8_t> TcpSynProbe::build_probe(int ttl) {
  sent_.mark(ttl);
  last_sent_ = std::max(last_sent_, ttl);
  return build_tcp_syn(config_.local, config_.target, config_.seq_base + static_cast<std::uint32_t>(ttl),
                       static_cast<std::uint16_t>(config_.ip_id_base + ttl), static_cast<std::uint8_t>(ttl));
}

std::optional<ProbeResponse> TcpSynProbe::match(std::span<const std::uint8_t> ip_packet) const {
  if (auto r = match_tcp(ip_packet)) return r;
  return match_icmp(ip_packet);
}

std::optional<ProbeResponse> TcpSynProbe::match_tcp(std::span<const std::uint8_t> ip_packet) const {
  auto s = parse_tcp_segment(ip_packet);
  if (!s || s->src != config_.target.address || s->dst != config_.local.address) return std::nullopt;
  if (s->src_port != config_.target.port || s->dst_port != config_.local.port) return std::nullopt;
  bool synack = (s->flags & (kTcpSyn | kTcpAck)) == (kTcpSyn | kTcpAck);
  bool rst = (s->flags & kTcpRst) != 0;
  if (!synack && !rst) return std::nullopt;
  auto named = [this](std::uint32_t probe_seq) {
    return static_cast<int>(static_cast<std::uint32_t>(probe_seq - config_.seq_base));
  };
  if (s->flags & kTcpAck) {
    int ttl = named(s->ack - 1);
    if (!sent_.was_sent(ttl)) return std::nullopt;
    return ProbeResponse{ttl, config_.target.address, true};
  }
  // A bare RST. Upstream, one probe at a time, credits the latest one; with
  // TTLs in parallel that is the highest sent so far, not the one that
  // reached the target. What the RST carries comes first: a firewall that
  // fills the acknowledgment field without its flag, or that puts the probe's
  // sequence + 1 in its own sequence field, names the probe (zero, the usual
  // bare RST's value, names none).
  for (std::uint32_t field : {s->ack, s->seq}) {
    if (field != 0 && sent_.was_sent(named(field - 1))) return ProbeResponse{named(field - 1), config_.target.address, true};
  }
  if (!sent_.was_sent(last_sent_)) return std::nullopt;
  return ProbeResponse{last_sent_, config_.target.address, true, true};
}

std::optional<ProbeResponse> TcpSynProbe::match_icmp(std::span<const std::uint8_t> ip_packet) const {
  auto m = parse_icmp_message(ip_packet);
  // TTL exceeded in transit only, as upstream (unreachables are ignored).
  if (!m || m->kind != IcmpKind::TimeExceeded || m->code != 0 || !m->quoted) return std::nullopt;
  const QuotedPacket& q = *m->quoted;
  if (q.protocol != kProtoTcp || q.transport.size() < 8) return std::nullopt;
  if (q.dst != config_.target.address || q.src != config_.local.address) return std::nullopt;
  if (load_be16(q.transport, 0) != config_.local.port || load_be16(q.transport, 2) != config_.target.port) {
    return std::nullopt;
  }
  int ttl = static_cast<int>(static_cast<std::uint32_t>(load_be32(q.transport, 4) - config_.seq_base));
  if (!sent_.was_sent(ttl)) return std::nullopt;
  // The quoted IPv4 ID must be that probe's too, as upstream's
  // findMatchingProbe(packetID, seq) requires (IPv6 has no ID).
  if (q.dst.is_v4() && q.ipv4_id != static_cast<std::uint16_t>(config_.ip_id_base + ttl)) return std::nullopt;
  return ProbeResponse{ttl, m->outer_src, false};
}

}  // namespace ddtr::probes
