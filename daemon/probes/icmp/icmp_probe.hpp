// The ICMP probe strategy, IPv4 and IPv6: echo requests with id = a leased
// echo id and sequence = TTL; routers answer Time Exceeded quoting the probe,
// the target answers Echo Reply.
#pragma once

#include "daemon/probes/probe_strategy.hpp"
#include "daemon/probes/sent_ttls.hpp"

namespace ddtr::probes {

struct IcmpProbeConfig {
  IpAddress local;   // same family as target
  IpAddress target;
  std::uint16_t echo_id = 0;
  int min_ttl = 1;
  int max_ttl = 30;
};

class IcmpProbe final : public ProbeStrategy {
 public:
  explicit IcmpProbe(IcmpProbeConfig config);

  platform::PacketFilterSpec filter() const override;
  Endpoint destination() const override;
  std::vector<std::uint8_t> build_probe(int ttl) override;
  std::optional<ProbeResponse> match(std::span<const std::uint8_t> ip_packet) const override;

 private:
  IcmpProbeConfig config_;
  SentTtls sent_;
};

}  // namespace ddtr::probes
