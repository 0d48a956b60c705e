// The UDP probe strategy, IPv4 and IPv6, as upstream: a constant 5-tuple per
// run, the probe identity in the IPv4 ID or the IPv6 UDP length; routers answer
// Time Exceeded, the target answers Destination Unreachable (port closed).
#pragma once

#include "daemon/probes/probe_strategy.hpp"
#include "daemon/probes/sent_ttls.hpp"

namespace ddtr::probes {

struct UdpProbeConfig {
  Endpoint local;   // the port reserved by a connected UDP socket for the run
  Endpoint target;
  int min_ttl = 1;
  int max_ttl = 30;
};

class UdpProbe final : public ProbeStrategy {
 public:
  explicit UdpProbe(UdpProbeConfig config);

  platform::PacketFilterSpec filter() const override;
  Endpoint destination() const override { return config_.target; }
  std::vector<std::uint8_t> build_probe(int ttl) override;
  std::optional<ProbeResponse> match(std::span<const std::uint8_t> ip_packet) const override;

 private:
  UdpProbeConfig config_;
  SentTtls sent_;
};

}  // namespace ddtr::probes
