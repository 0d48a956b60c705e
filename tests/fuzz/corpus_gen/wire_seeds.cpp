// Seeds for the wire parsers: the probes the daemon sends and the replies it
// reads, of both families, plus the shapes that take other branches (IPv4
// options, an IPv6 fragment header, TCP options with SACK blocks).
#include "daemon/probes/icmp/icmp_packet_build.hpp"
#include "daemon/probes/tcp/tcp_packet_build.hpp"
#include "daemon/probes/udp/udp_packet_build.hpp"
#include "daemon/probes/wire/byte_order.hpp"
#include "daemon/probes/wire/checksum.hpp"
#include "daemon/probes/wire/ipv4_header.hpp"
#include "tests/fuzz/corpus_gen/seeds.hpp"
#include "tests/fuzz/support/probe_fixtures.hpp"
#include "tests/testutils/packets.hpp"

namespace ddtr::fuzz {
namespace {

using Bytes = std::vector<std::uint8_t>;

const Endpoint kLocal4{local_address(false), 40000}, kTarget4{target_address(false), 443};
const Endpoint kLocal6{local_address(true), 40000}, kTarget6{target_address(true), 443};

Bytes echo_v4(std::uint8_t ttl) {
  return probes::build_icmp_echo_v4(local_address(false).to_v4(), target_address(false).to_v4(), 0x4242, ttl);
}
Bytes echo_v6(std::uint8_t ttl) {
  return probes::build_icmp_echo_v6(local_address(true).to_v6(), target_address(true).to_v6(), 0x4242, ttl);
}

// The same IPv4 packet with 4 bytes of options (NOP x3, EOL): IHL 6.
Bytes with_ipv4_options(Bytes packet) {
  packet.insert(packet.begin() + probes::kIpv4HeaderSize, {1, 1, 1, 0});
  packet[0] = 0x46;
  probes::store_be16(packet, 2, static_cast<std::uint16_t>(packet.size()));
  probes::store_be16(packet, 10, 0);
  probes::store_be16(packet, 10, probes::internet_checksum(std::span(packet).first(24)));
  return packet;
}

// ICMPv6 behind one (first) fragment header.
Bytes fragmented_icmpv6_error() {
  Bytes icmp = {3, 0, 0, 0, 0, 0, 0, 0};
  auto quoted = echo_v6(3);
  icmp.insert(icmp.end(), quoted.begin(), quoted.end());
  Bytes payload = {58, 0, 0x00, 0x01, 0, 0, 0, 7};  // next header ICMPv6, offset 0, more fragments
  payload.insert(payload.end(), icmp.begin(), icmp.end());
  return testutils::ipv6_packet(router_address(true).to_v6(), local_address(true).to_v6(), 44, payload);
}

Bytes be32(std::uint32_t v) {
  return {static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16), static_cast<std::uint8_t>(v >> 8),
          static_cast<std::uint8_t>(v)};
}

// MSS, SACK-permitted, timestamps, NOP, window scale: a Linux SYN-ACK's options.
Bytes synack_options() {
  Bytes o = {2, 4, 0x05, 0xb4, 4, 2, 8, 10};
  for (auto v : {be32(1000), be32(2000)}) o.insert(o.end(), v.begin(), v.end());
  o.insert(o.end(), {1, 3, 3, 7});
  return o;
}

// NOP, NOP, timestamps, then a SACK option with two blocks: a duplicate ACK's options.
Bytes sack_options() {
  Bytes o = {1, 1, 8, 10};
  for (auto v : {be32(3000), be32(1000)}) o.insert(o.end(), v.begin(), v.end());
  o.insert(o.end(), {1, 1, 5, 18});
  for (auto v : {be32(783), be32(784), be32(790), be32(791)}) o.insert(o.end(), v.begin(), v.end());
  return o;
}

}  // namespace

std::vector<TargetSeeds> wire_seeds() {
  auto udp4 = probes::build_udp_probe_v4(kLocal4, {target_address(false), 33434}, 4);
  auto udp6 = probes::build_udp_probe_v6(kLocal6, {target_address(true), 33434}, 4);
  auto syn4 = probes::build_tcp_syn(kLocal4, kTarget4, 12345, 1000, 6);
  auto syn6 = probes::build_tcp_syn(kLocal6, kTarget6, 12345, 1000, 6);
  auto no_total_length = echo_v4(2);
  probes::store_be16(no_total_length, 2, 0);  // 0: "what was captured", as for TSO packets
  auto router4 = router_address(false).to_v4(), local4 = local_address(false).to_v4();
  auto router6 = router_address(true).to_v6(), local6 = local_address(true).to_v6();

  return {
      {"ipv4_header",
       {{"icmp-echo", echo_v4(1)},
        {"udp-probe", udp4},
        {"tcp-syn", syn4},
        {"options", with_ipv4_options(echo_v4(3))},
        {"no-total-length", no_total_length}}},
      {"ipv6_header", {{"icmpv6-echo", echo_v6(1)}, {"udp-probe", udp6}, {"tcp-syn", syn6}}},
      {"icmp_message",
       {{"v4-time-exceeded", testutils::icmp_error(router4, local4, 11, 0, echo_v4(5))},
        {"v4-port-unreachable", testutils::icmp_error(target_address(false).to_v4(), local4, 3, 3, udp4)},
        {"v4-quote-with-options", testutils::icmp_error(router4, local4, 11, 0, with_ipv4_options(syn4), 32)},
        {"v4-echo-reply", testutils::icmp_echo_reply(target_address(false).to_v4(), local4, 0x4242, 7)},
        {"v6-time-exceeded", testutils::icmpv6_error(router6, local6, 3, 0, echo_v6(5))},
        {"v6-port-unreachable", testutils::icmpv6_error(target_address(true).to_v6(), local6, 1, 4, udp6)},
        {"v6-echo-reply", testutils::icmpv6_echo_reply(target_address(true).to_v6(), local6, 0x4242, 7)},
        {"v6-fragment-header", fragmented_icmpv6_error()}}},
      {"tcp_segment",
       {{"v4-synack", tcp_packet(kTarget4, kLocal4, 0x12, 5000, 777, synack_options())},
        {"v6-synack", tcp_packet(kTarget6, kLocal6, 0x12, 5000, 777, synack_options())},
        {"v4-dup-ack-sack", tcp_packet(kTarget4, kLocal4, 0x10, 5001, 777, sack_options())},
        {"v4-rst", tcp_packet(kTarget4, kLocal4, 0x14, 0, 12346)}}},
      {"tcp_options",
       {{"synack", synack_options()},
        {"sack", sack_options()},
        {"truncated-timestamps", {8, 6, 0, 0, 0, 0}},
        {"runs-past-end", {1, 5, 30, 0, 0}}}},
      {"checksum", {{"ipv4-header", Bytes(udp4.begin(), udp4.begin() + 20)}, {"odd", {1, 2, 3, 4, 5, 6, 7, 8, 9}}}},
  };
}

}  // namespace ddtr::fuzz
