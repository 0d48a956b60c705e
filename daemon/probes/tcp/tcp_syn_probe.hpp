// The TCP SYN probe strategy, IPv4 and IPv6. A constant 5-tuple per run (the
// local port is held by a bound socket), and each probe's own sequence number
// seq_base + TTL, so every reply names its probe: a router's Time Exceeded
// quotes the sequence, the target's SYN-ACK or RST+ACK acknowledges it + 1.
// That exact identity lets SYN probes run in parallel, where upstream sends
// them one TTL at a time and credits any SYN-ACK to the last probe sent.
#pragma once

#include "daemon/probes/probe_strategy.hpp"
#include "daemon/probes/sent_ttls.hpp"

namespace ddtr::probes {

struct TcpSynProbeConfig {
  Endpoint local;
  Endpoint target;
  std::uint32_t seq_base = 0;      // random per run
  std::uint16_t ip_id_base = 0;    // IPv4 ID = base + TTL, as upstream
  int min_ttl = 1;
  int max_ttl = 30;
};

class TcpSynProbe final : public ProbeStrategy {
 public:
  explicit TcpSynProbe(TcpSynProbeConfig config);

  platform::PacketFilterSpec filter() const override;
  Endpoint destination() const override { return config_.target; }
  std::vector<std::uint8_t> build_probe(int ttl) override;
  std::optional<ProbeResponse> match(std::span<const std::uint8_t> ip_packet) const override;

 private:
  std::optional<ProbeResponse> match_tcp(std::span<const std::uint8_t> ip_packet) const;
  std::optional<ProbeResponse> match_icmp(std::span<const std::uint8_t> ip_packet) const;

  TcpSynProbeConfig config_;
  SentTtls sent_;
  int last_sent_ = 0;
};

}  // namespace ddtr::probes
