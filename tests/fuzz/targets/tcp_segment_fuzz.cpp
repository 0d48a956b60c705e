// parse_tcp_segment on anything, then its options: an accepted segment is TCP
// in an IPv4 (first fragment) or IPv6 packet, its fields are the header's
// bytes, and the options lie between the fixed header and the data offset.
#include "daemon/probes/wire/byte_order.hpp"
#include "daemon/probes/wire/ipv4_header.hpp"
#include "daemon/probes/wire/ipv6_header.hpp"
#include "daemon/probes/wire/tcp_options.hpp"
#include "daemon/probes/wire/tcp_segment.hpp"
#include "tests/fuzz/support/check.hpp"

using namespace ddtr::probes;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::uint8_t> bytes(data, size);
  auto s = parse_tcp_segment(bytes);
  if (!s) return 0;
  bool v6 = (data[0] >> 4) == 6;
  FUZZ_CHECK(s->src.is_v6() == v6 && s->dst.is_v6() == v6);
  std::size_t tcp_at = kIpv6HeaderSize;
  if (!v6) {
    auto ip = parse_ipv4(bytes);
    FUZZ_CHECK(ip && ip->header.protocol == kProtoTcp && (ip->header.flags_fragment & 0x1fff) == 0);
    tcp_at = ip->header.header_length;
  }
  auto tcp = bytes.subspan(tcp_at);
  FUZZ_CHECK(tcp.size() >= 20);
  FUZZ_CHECK(s->src_port == load_be16(tcp, 0) && s->dst_port == load_be16(tcp, 2));
  FUZZ_CHECK(s->seq == load_be32(tcp, 4) && s->ack == load_be32(tcp, 8) && s->flags == tcp[13]);
  FUZZ_CHECK(s->options.data() == tcp.data() + 20);
  FUZZ_CHECK(s->options.size() == static_cast<std::size_t>(tcp[12] >> 4) * 4 - 20);
  FUZZ_CHECK(ddtr::fuzz::within(s->options, bytes));
  auto options = parse_tcp_options(s->options);
  FUZZ_CHECK(options.sack_blocks.size() <= s->options.size() / 8);
  return 0;
}
