#include "daemon/probes/wire/byte_order.hpp"
#include "tests/fuzz/corpus_gen/seeds.hpp"
#include "tests/testutils/packets.hpp"

namespace ddtr::fuzz {

std::vector<std::uint8_t> tcp_packet(const Endpoint& from, const Endpoint& to, std::uint8_t flags, std::uint32_t seq,
                                     std::uint32_t ack, std::vector<std::uint8_t> options) {
  while (options.size() % 4) options.push_back(1);  // NOP padding to whole words
  std::vector<std::uint8_t> tcp(20, 0);
  probes::store_be16(tcp, 0, from.port);
  probes::store_be16(tcp, 2, to.port);
  probes::store_be32(tcp, 4, seq);
  probes::store_be32(tcp, 8, ack);
  tcp[12] = static_cast<std::uint8_t>(((20 + options.size()) / 4) << 4);
  tcp[13] = flags;
  probes::store_be16(tcp, 14, 65535);
  tcp.insert(tcp.end(), options.begin(), options.end());
  if (from.address.is_v6()) return testutils::ipv6_packet(from.address.to_v6(), to.address.to_v6(), 6, tcp);
  return testutils::ipv4_packet(from.address.to_v4(), to.address.to_v4(), 6, tcp);
}

}  // namespace ddtr::fuzz
