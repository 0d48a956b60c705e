#include "daemon/probes/tcp/sack_probe.hpp"

#include "daemon/probes/wire/byte_order.hpp"
#include "daemon/probes/wire/icmp_message.hpp"
#include "daemon/probes/wire/ipv4_header.hpp"
#include "daemon/probes/wire/ipv6_header.hpp"
#include "daemon/probes/wire/tcp_segment.hpp"

namespace ddtr::probes {
namespace {
constexpr std::uint16_t kSackIpId = 41821;
}

bool is_handshake_synack(std::span<const std::uint8_t> packet, const Endpoint& local, const Endpoint& target) {
  auto s = parse_tcp_segment(packet);
  return s && s->src == target.address && s->src_port == target.port && s->dst == local.address &&
         s->dst_port == local.port && (s->flags & (kTcpSyn | kTcpAck)) == (kTcpSyn | kTcpAck);
}

SackProbeConfig sack_config_from_synack(std::span<const std::uint8_t> synack_packet, const Endpoint& local,
                                        const Endpoint& target, int min_ttl, int max_ttl) {
  auto s = parse_tcp_segment(synack_packet);
  if (!s || (s->flags & (kTcpSyn | kTcpAck)) != (kTcpSyn | kTcpAck)) {
    throw Error(ErrorCode::Unknown, "sackDriver: not a SYN-ACK");
  }
  auto options = parse_tcp_options(s->options);
  if (!options.sack_permitted) {
    throw Error::not_supported(ErrorCode::Unknown, "SACK not supported by the target " + target.address.to_string() +
                                                       " (missing SACK-permitted option)");
  }
  if (options.truncated_timestamps) throw Error(ErrorCode::Unknown, "sackDriver found truncated timestamps option");
  SackProbeConfig config;
  config.local = local;
  config.target = target;
  config.init_seq = s->ack;
  config.init_ack = s->seq + 1;
  if (options.timestamps) {
    config.timestamps = TcpTimestamps{options.timestamps->echo_reply + 50, options.timestamps->value};
  }
  config.min_ttl = min_ttl;
  config.max_ttl = max_ttl;
  return config;
}

SackProbe::SackProbe(SackProbeConfig config) : config_(config), sent_(config.min_ttl, config.max_ttl, "sackDriver") {}

platform::PacketFilterSpec SackProbe::filter() const {
  return {platform::FilterType::Tcp, config_.target, config_.local};
}

std::vector<std::uint8_t> SackProbe::build_probe(int ttl) {
  sent_.mark(ttl);
  std::size_t options_length = config_.timestamps ? 12 : 0;
  std::size_t tcp_length = 20 + options_length + 1;
  bool v6 = config_.target.address.is_v6();
  std::size_t ip_length = v6 ? kIpv6HeaderSize : kIpv4HeaderSize;
  std::vector<std::uint8_t> packet(ip_length + tcp_length, 0);
  std::span<std::uint8_t> bytes(packet);
  auto tcp = bytes.subspan(ip_length);
  store_be16(tcp, 0, config_.local.port);
  store_be16(tcp, 2, config_.target.port);
  store_be32(tcp, 4, config_.init_seq + static_cast<std::uint32_t>(ttl));
  store_be32(tcp, 8, config_.init_ack);
  tcp[12] = static_cast<std::uint8_t>(((20 + options_length) / 4) << 4);
  tcp[13] = kTcpAck | kTcpPsh;
  store_be16(tcp, 14, 1024);
  if (config_.timestamps) {
    // Upstream's order: timestamps, then NOP, NOP.
    tcp[20] = 8;
    tcp[21] = 10;
    store_be32(tcp, 22, config_.timestamps->value + static_cast<std::uint32_t>(ttl));
    store_be32(tcp, 26, config_.timestamps->echo_reply);
    tcp[30] = 1;
    tcp[31] = 1;
  }
  tcp[20 + options_length] = static_cast<std::uint8_t>(ttl);  // the one data byte
  auto t = static_cast<std::uint8_t>(ttl);
  if (v6) {
    auto s = config_.local.address.to_v6(), d = config_.target.address.to_v6();
    write_ipv6_header(bytes, Ipv6Header{static_cast<std::uint16_t>(tcp_length), kProtoTcp, t, s, d});
    store_be16(tcp, 16, ipv6_transport_checksum(s, d, kProtoTcp, tcp));
  } else {
    Ipv4Header ip;
    ip.total_length = static_cast<std::uint16_t>(packet.size());
    ip.id = kSackIpId;
    ip.ttl = t;
    ip.protocol = kProtoTcp;
    ip.src = config_.local.address.to_v4();
    ip.dst = config_.target.address.to_v4();
    write_ipv4_header(bytes, ip);
    store_be16(tcp, 16, ipv4_transport_checksum(ip.src.to_uint(), ip.dst.to_uint(), kProtoTcp, tcp));
  }
  return packet;
}

std::optional<ProbeResponse> SackProbe::match(std::span<const std::uint8_t> ip_packet) const {
  if (auto s = parse_tcp_segment(ip_packet)) {
    if (s->src != config_.target.address || s->dst != config_.local.address) return std::nullopt;
    if (s->src_port != config_.target.port || s->dst_port != config_.local.port) return std::nullopt;
    if (s->flags & (kTcpSyn | kTcpFin | kTcpRst)) return std::nullopt;
    auto options = parse_tcp_options(s->options);
    // Deviation: a segment without SACK blocks (a banner, a window update) is
    // ignored instead of aborting the run.
    if (options.sack_blocks.empty()) return std::nullopt;
    std::optional<std::uint32_t> lowest;
    for (const auto& block : options.sack_blocks) {
      std::uint32_t relative = block.left - config_.init_seq;
      if (!lowest || relative < *lowest) lowest = relative;
    }
    if (*lowest > 255 || !sent_.was_sent(static_cast<int>(*lowest))) return std::nullopt;
    return ProbeResponse{static_cast<int>(*lowest), config_.target.address, true};
  }
  auto m = parse_icmp_message(ip_packet);
  if (!m || m->kind != IcmpKind::TimeExceeded || m->code != 0 || !m->quoted) return std::nullopt;
  const QuotedPacket& q = *m->quoted;
  // The quoted source address is not checked, as upstream's SACK driver
  // (LoosenICMPSrc): a NAT that does not rewrite the quote leaves its own
  // address there. The probe's identity still is: ports and sequence.
  if (q.protocol != kProtoTcp || q.transport.size() < 8 || q.dst != config_.target.address) return std::nullopt;
  if (load_be16(q.transport, 0) != config_.local.port || load_be16(q.transport, 2) != config_.target.port) {
    return std::nullopt;
  }
  std::uint32_t relative = load_be32(q.transport, 4) - config_.init_seq;
  if (relative > 255 || !sent_.was_sent(static_cast<int>(relative))) return std::nullopt;
  return ProbeResponse{static_cast<int>(relative), m->outer_src, m->outer_src == config_.target.address};
}

}  // namespace ddtr::probes
