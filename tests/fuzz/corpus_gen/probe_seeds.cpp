// Seeds for the probe strategies: for each kind and family, the replies that
// match one of the fixture's probes (support/probe_fixtures.hpp), and one that
// names a TTL in range that was never sent.
#include "daemon/probes/wire/byte_order.hpp"
#include "tests/fuzz/corpus_gen/seeds.hpp"
#include "tests/fuzz/support/probe_fixtures.hpp"
#include "tests/testutils/packets.hpp"

namespace ddtr::fuzz {
namespace {

using Bytes = std::vector<std::uint8_t>;
constexpr int kUnsentTtl = kLastSentTtl + 3;

// The probe a fresh strategy builds for `ttl`.
template <typename Strategy, typename Config>
Bytes probe(const Config& config, int ttl) {
  Strategy strategy(config);
  return strategy.build_probe(ttl);
}

std::string family(bool v6) { return v6 ? "v6-" : "v4-"; }

// Time Exceeded from the fixture's router, quoting `original` as Linux does.
Bytes time_exceeded(bool v6, const Bytes& original) {
  if (v6) return testutils::icmpv6_error(router_address(true).to_v6(), local_address(true).to_v6(), 3, 0, original);
  return testutils::icmp_error(router_address(false).to_v4(), local_address(false).to_v4(), 11, 0, original);
}

Bytes port_unreachable(bool v6, const Bytes& original) {
  if (v6) return testutils::icmpv6_error(target_address(true).to_v6(), local_address(true).to_v6(), 1, 4, original);
  return testutils::icmp_error(target_address(false).to_v4(), local_address(false).to_v4(), 3, 3, original);
}

void add_icmp(std::vector<Seed>& seeds, bool v6) {
  auto config = icmp_config(v6);
  seeds.push_back({family(v6) + "time-exceeded", time_exceeded(v6, probe<probes::IcmpProbe>(config, 5))});
  seeds.push_back({family(v6) + "unsent-ttl", time_exceeded(v6, probe<probes::IcmpProbe>(config, kUnsentTtl))});
  auto reply = v6 ? testutils::icmpv6_echo_reply(target_address(true).to_v6(), local_address(true).to_v6(),
                                                 config.echo_id, 9)
                  : testutils::icmp_echo_reply(target_address(false).to_v4(), local_address(false).to_v4(),
                                               config.echo_id, 9);
  seeds.push_back({family(v6) + "echo-reply", reply});
}

void add_udp(std::vector<Seed>& seeds, bool v6) {
  auto config = udp_config(v6);
  seeds.push_back({family(v6) + "time-exceeded", time_exceeded(v6, probe<probes::UdpProbe>(config, 3))});
  seeds.push_back({family(v6) + "port-unreachable", port_unreachable(v6, probe<probes::UdpProbe>(config, 9))});
  seeds.push_back({family(v6) + "unsent-ttl", time_exceeded(v6, probe<probes::UdpProbe>(config, kUnsentTtl))});
}

void add_tcp_syn(std::vector<Seed>& seeds, bool v6) {
  auto config = tcp_syn_config(v6);
  seeds.push_back({family(v6) + "time-exceeded", time_exceeded(v6, probe<probes::TcpSynProbe>(config, 4))});
  std::uint32_t acked = config.seq_base + 7 + 1;  // the target acknowledges the TTL-7 SYN's sequence + 1
  seeds.push_back({family(v6) + "synack", tcp_packet(config.target, config.local, 0x12, 99, acked)});
  seeds.push_back({family(v6) + "rst-ack", tcp_packet(config.target, config.local, 0x14, 0, acked)});
  seeds.push_back({family(v6) + "rst", tcp_packet(config.target, config.local, 0x04, 0, 0)});
  seeds.push_back({family(v6) + "unsent-ttl", time_exceeded(v6, probe<probes::TcpSynProbe>(config, kUnsentTtl))});
}

Bytes sack_block_option(std::uint32_t left) {
  Bytes o = {1, 1, 5, 10, 0, 0, 0, 0, 0, 0, 0, 0};
  probes::store_be32(o, 4, left);
  probes::store_be32(o, 8, left + 1);
  return o;
}

void add_sack(std::vector<Seed>& seeds, bool v6) {
  auto config = sack_config(v6);
  seeds.push_back({family(v6) + "time-exceeded", time_exceeded(v6, probe<probes::SackProbe>(config, 6))});
  // Duplicate ACKs whose SACK block's left edge names the TTL-8 probe, and an unsent one.
  for (auto [name, ttl] : {std::pair{"dup-ack", 8}, std::pair{"unsent-ttl", kUnsentTtl}}) {
    auto sack = sack_block_option(config.init_seq + static_cast<std::uint32_t>(ttl));
    seeds.push_back({family(v6) + name, tcp_packet(config.target, config.local, 0x10, config.init_ack, config.init_seq,
                                                   sack)});
  }
  // The handshake's SYN-ACK: MSS, SACK-permitted, timestamps.
  Bytes options = {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0x03, 0xe8, 0, 0, 0x07, 0xd0};
  seeds.push_back({family(v6) + "handshake-synack",
                   tcp_packet(config.target, config.local, 0x12, config.init_ack - 1, config.init_seq, options)});
}

}  // namespace

std::vector<TargetSeeds> probe_seeds() {
  std::vector<TargetSeeds> out = {{"icmp_probe", {}}, {"udp_probe", {}}, {"tcp_syn_probe", {}}, {"sack_probe", {}}};
  for (bool v6 : {false, true}) {
    add_icmp(out[0].seeds, v6);
    add_udp(out[1].seeds, v6);
    add_tcp_syn(out[2].seeds, v6);
    add_sack(out[3].seeds, v6);
  }
  return out;
}

}  // namespace ddtr::fuzz
