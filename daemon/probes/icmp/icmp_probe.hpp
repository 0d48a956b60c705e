// The ICMP probe strategy (IPv4): echo requests with id = a leased echo id and
// sequence = TTL; routers answer Time Exceeded quoting the probe, the target
// answers Echo Reply.
#pragma once

#include <bitset>

#include "daemon/probes/probe_strategy.hpp"

namespace ddtr::probes {

struct IcmpProbeConfig {
  boost::asio::ip::address_v4 local;
  boost::asio::ip::address_v4 target;
  std::uint16_t echo_id = 0;
  int min_ttl = 1;
  int max_ttl = 30;
};

class IcmpV4Probe final : public ProbeStrategy {
 public:
  explicit IcmpV4Probe(IcmpProbeConfig config) : config_(config) {}

  platform::PacketFilterSpec filter() const override;
  Endpoint destination() const override;
  std::vector<std::uint8_t> build_probe(int ttl) override;
  std::optional<ProbeResponse> match(std::span<const std::uint8_t> ip_packet) const override;

 private:
  bool was_sent(int ttl) const;

  IcmpProbeConfig config_;
  std::bitset<256> sent_;
};

}  // namespace ddtr::probes
