// The SACK probe strategy (tcp_method sack / prefer_sack), IPv4 and IPv6, as
// upstream: after a real handshake, each probe is one out-of-order data byte
// at sequence init_seq + TTL (the byte at init_seq is never sent), so the
// target answers with a duplicate ACK whose SACK block's left edge names the
// TTL; routers answer Time Exceeded quoting the sequence.
#pragma once

#include <optional>

#include "daemon/probes/probe_strategy.hpp"
#include "daemon/probes/sent_ttls.hpp"
#include "daemon/probes/wire/tcp_options.hpp"

namespace ddtr::probes {

struct SackProbeConfig {
  Endpoint local;   // the real connection's local side
  Endpoint target;
  std::uint32_t init_seq = 0;  // the SYN-ACK's ack (upstream: not ack - 1)
  std::uint32_t init_ack = 0;  // the SYN-ACK's seq + 1
  std::optional<TcpTimestamps> timestamps;  // value = peer's TSecr + 50, echo = peer's TSval
  int min_ttl = 1;
  int max_ttl = 30;
};

// Whether a captured packet is the handshake's SYN-ACK: TCP from `target` to
// `local` with SYN and ACK set (what the sack channel waits for before probing).
bool is_handshake_synack(std::span<const std::uint8_t> packet, const Endpoint& local, const Endpoint& target);

// The handshake facts upstream reads from the SYN-ACK. Throws
// Error::not_supported when the target does not permit SACK.
SackProbeConfig sack_config_from_synack(std::span<const std::uint8_t> synack_packet, const Endpoint& local,
                                        const Endpoint& target, int min_ttl, int max_ttl);

class SackProbe final : public ProbeStrategy {
 public:
  explicit SackProbe(SackProbeConfig config);

  platform::PacketFilterSpec filter() const override;
  Endpoint destination() const override { return config_.target; }
  std::vector<std::uint8_t> build_probe(int ttl) override;
  std::optional<ProbeResponse> match(std::span<const std::uint8_t> ip_packet) const override;

 private:
  SackProbeConfig config_;
  SentTtls sent_;
};

}  // namespace ddtr::probes
