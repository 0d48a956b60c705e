#include "daemon/probes/icmp/icmp_probe.hpp"

#include "daemon/probes/icmp/icmp_packet_build.hpp"
#include "daemon/probes/icmp/icmp_packet_parse.hpp"
#include "shared/common/error.hpp"

namespace ddtr::probes {

platform::PacketFilterSpec IcmpV4Probe::filter() const { return {platform::FilterType::Icmp, {}, {}}; }

// Upstream hands the sink target:80; the port means nothing for ICMP.
Endpoint IcmpV4Probe::destination() const { return {IpAddress(config_.target), 80}; }

bool IcmpV4Probe::was_sent(int ttl) const {
  return ttl >= config_.min_ttl && ttl <= config_.max_ttl && ttl >= 0 && ttl < 256 && sent_.test(ttl);
}

std::vector<std::uint8_t> IcmpV4Probe::build_probe(int ttl) {
  if (ttl < config_.min_ttl || ttl > config_.max_ttl || ttl < 1 || ttl > 255) {
    throw Error(ErrorCode::Unknown, "icmpDriver asked to send invalid TTL " + std::to_string(ttl));
  }
  if (sent_.test(ttl)) {
    throw Error(ErrorCode::Unknown,
                "icmpDriver asked to send probe for TTL " + std::to_string(ttl) + " but it was already sent");
  }
  sent_.set(ttl);
  return build_icmp_echo_v4(config_.local, config_.target, config_.echo_id, static_cast<std::uint8_t>(ttl));
}

std::optional<ProbeResponse> IcmpV4Probe::match(std::span<const std::uint8_t> ip_packet) const {
  auto reply = parse_icmp_v4_reply(ip_packet);
  if (!reply) return std::nullopt;
  if (reply->type == kIcmpTimeExceeded) {
    // Any code, as upstream. The quote must be our probe: to our target, from
    // our address, an echo request with our id and a sequence we sent.
    if (!reply->quoted || !reply->quoted_echo) return std::nullopt;
    if (reply->quoted->dst != config_.target || reply->quoted->src != config_.local) return std::nullopt;
    if (reply->quoted_echo->type != kIcmpEchoRequest || reply->quoted_echo->id != config_.echo_id) {
      return std::nullopt;
    }
    int ttl = reply->quoted_echo->seq & 0xff;
    if (!was_sent(ttl)) return std::nullopt;
    return ProbeResponse{ttl, IpAddress(reply->outer.src), false};
  }
  if (reply->type == kIcmpEchoReply) {
    // Deliberate deviation: the reply must come from the target (upstream takes
    // any source) and be addressed to us.
    if (reply->echo_id != config_.echo_id || reply->outer.src != config_.target ||
        reply->outer.dst != config_.local) {
      return std::nullopt;
    }
    int ttl = reply->echo_seq;
    if (reply->echo_seq > 255 || !was_sent(ttl)) return std::nullopt;
    return ProbeResponse{ttl, IpAddress(reply->outer.src), true};
  }
  return std::nullopt;
}

}  // namespace ddtr::probes
