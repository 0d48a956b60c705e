#include "daemon/probes/icmp/icmp_probe.hpp"

#include "daemon/probes/icmp/icmp_packet_build.hpp"
#include "daemon/probes/wire/icmp_message.hpp"

namespace ddtr::probes {

IcmpProbe::IcmpProbe(IcmpProbeConfig config)
    : config_(config), sent_(config.min_ttl, config.max_ttl, "icmpDriver") {
  if (config_.local.is_v6() != config_.target.is_v6()) {
    throw Error(ErrorCode::Unknown, "ICMP traceroute: local and target addresses are of different families");
  }
}

platform::PacketFilterSpec IcmpProbe::filter() const { return {platform::FilterType::Icmp, {}, {}}; }

// Upstream hands the sink target:80; the port means nothing for ICMP.
Endpoint IcmpProbe::destination() const { return {config_.target, 80}; }

std::vector<std::uint8_t> IcmpProbe::build_probe(int ttl) {
  sent_.mark(ttl);
  auto t = static_cast<std::uint8_t>(ttl);
  if (config_.target.is_v6()) {
    return build_icmp_echo_v6(config_.local.to_v6(), config_.target.to_v6(), config_.echo_id, t);
  }
  return build_icmp_echo_v4(config_.local.to_v4(), config_.target.to_v4(), config_.echo_id, t);
}

std::optional<ProbeResponse> IcmpProbe::match(std::span<const std::uint8_t> ip_packet) const {
  auto m = parse_icmp_message(ip_packet);
  if (!m || m->is_v6() != config_.target.is_v6()) return std::nullopt;
  if (m->kind == IcmpKind::TimeExceeded) {
    // Any code, as upstream. The quote must be our probe: to our target, from
    // our address, an echo request with our id and a sequence we sent.
    if (!m->quoted || m->quoted->dst != config_.target || m->quoted->src != config_.local) return std::nullopt;
    auto echo = quoted_echo_request(*m->quoted);
    if (!echo || echo->id != config_.echo_id) return std::nullopt;
    int ttl = echo->seq & 0xff;
    if (!sent_.was_sent(ttl)) return std::nullopt;
    return ProbeResponse{ttl, m->outer_src, false};
  }
  if (m->kind == IcmpKind::EchoReply) {
    // Deliberate deviation: the reply must come from the target (upstream takes
    // any source) and be addressed to us.
    if (m->echo_id != config_.echo_id || m->outer_src != config_.target || m->outer_dst != config_.local) {
      return std::nullopt;
    }
    if (m->echo_seq > 255 || !sent_.was_sent(m->echo_seq)) return std::nullopt;
    return ProbeResponse{m->echo_seq, m->outer_src, true};
  }
  return std::nullopt;
}

}  // namespace ddtr::probes
