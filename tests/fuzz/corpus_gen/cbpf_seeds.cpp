// Seeds for the cBPF target (layout: support/cbpf_case.hpp): every filter type
// with packets it accepts and packets it drops, of both families.
#include <linux/if_ether.h>

#include "daemon/probes/icmp/icmp_packet_build.hpp"
#include "daemon/probes/udp/udp_packet_build.hpp"
#include "tests/fuzz/corpus_gen/seeds.hpp"
#include "tests/fuzz/support/cbpf_case.hpp"
#include "tests/fuzz/support/probe_fixtures.hpp"
#include "tests/testutils/packets.hpp"

namespace ddtr::fuzz {

TargetSeeds cbpf_seeds() {
  using platform::FilterType;
  const Endpoint local4{local_address(false), 40001}, target4{target_address(false), 443};
  const Endpoint local6{local_address(true), 40001}, target6{target_address(true), 443};
  auto echo4 = probes::build_icmp_echo_v4(local4.address.to_v4(), target4.address.to_v4(), 1, 1);
  auto echo6 = probes::build_icmp_echo_v6(local6.address.to_v6(), target6.address.to_v6(), 1, 1);
  auto te4 = testutils::icmp_error(router_address(false).to_v4(), local4.address.to_v4(), 11, 0, echo4);
  auto te6 = testutils::icmpv6_error(router_address(true).to_v6(), local6.address.to_v6(), 3, 0, echo6);
  auto udp4 = probes::build_udp_probe_v4(local4, target4, 1);
  auto udp6 = probes::build_udp_probe_v6(local6, target6, 1);
  auto synack4 = tcp_packet(target4, local4, 0x12, 1, 2);
  auto synack6 = tcp_packet(target6, local6, 0x12, 1, 2);
  auto ack4 = tcp_packet(target4, local4, 0x10, 1, 2);
  const platform::PacketFilterSpec none{FilterType::None, {}, {}}, icmp{FilterType::Icmp, {}, {}},
      udp{FilterType::Udp, {}, {}}, tcp4{FilterType::Tcp, target4, local4}, tcp6{FilterType::Tcp, target6, local6},
      synack{FilterType::SynAck, target4, {}};
  auto seed = [](std::string name, const platform::PacketFilterSpec& spec, std::uint16_t ethertype,
                 const std::vector<std::uint8_t>& packet) {
    return Seed{std::move(name), encode_cbpf_case(spec, ethertype, packet)};
  };
  return {"cbpf_filters",
          {seed("none", none, ETH_P_IP, echo4),
           seed("icmp-v4", icmp, ETH_P_IP, te4),
           seed("icmp-v6", icmp, ETH_P_IPV6, te6),
           seed("icmp-drops-udp", icmp, ETH_P_IP, udp4),
           seed("udp-v4", udp, ETH_P_IP, udp4),
           seed("udp-v6", udp, ETH_P_IPV6, udp6),
           seed("tcp-v4", tcp4, ETH_P_IP, synack4),
           seed("tcp-v6", tcp6, ETH_P_IPV6, synack6),
           seed("tcp-v4-lets-icmp-through", tcp4, ETH_P_IP, te4),
           seed("synack", synack, ETH_P_IP, synack4),
           seed("synack-drops-ack", synack, ETH_P_IP, ack4),
           seed("arp", icmp, ETH_P_ARP, te4)}};
}

}  // namespace ddtr::fuzz
