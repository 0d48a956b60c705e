// parse_icmp_message (ICMPv4 and ICMPv6, their quoted packets) and the quote
// readers on anything: the kind follows the family's type numbering, echo
// fields and quotes appear only for their kinds, a quote is of the outer
// packet's family and lies inside the input, and the quoted echo and ports are
// the quoted transport bytes.
#include "daemon/probes/wire/byte_order.hpp"
#include "daemon/probes/wire/icmp_message.hpp"
#include "daemon/probes/wire/ipv4_header.hpp"
#include "daemon/probes/wire/ipv6_header.hpp"
#include "tests/fuzz/support/check.hpp"

using namespace ddtr::probes;

namespace {

IcmpKind expected_kind(bool v6, std::uint8_t type) {
  if (v6) {
    switch (type) {
      case 1: return IcmpKind::DestUnreachable;
      case 3: return IcmpKind::TimeExceeded;
      case 128: return IcmpKind::EchoRequest;
      case 129: return IcmpKind::EchoReply;
      default: return IcmpKind::Other;
    }
  }
  switch (type) {
    case 0: return IcmpKind::EchoReply;
    case 3: return IcmpKind::DestUnreachable;
    case 8: return IcmpKind::EchoRequest;
    case 11: return IcmpKind::TimeExceeded;
    default: return IcmpKind::Other;
  }
}

void check_quote(const QuotedPacket& q, bool v6, std::span<const std::uint8_t> bytes) {
  FUZZ_CHECK(q.src.is_v6() == v6 && q.dst.is_v6() == v6);
  FUZZ_CHECK(ddtr::fuzz::within(q.transport, bytes));
  if (auto echo = quoted_echo_request(q)) {
    FUZZ_CHECK(q.protocol == (v6 ? kProtoIcmpv6 : kProtoIcmp) && q.transport.size() >= 8);
    FUZZ_CHECK(echo->id == load_be16(q.transport, 4) && echo->seq == load_be16(q.transport, 6));
  }
  auto ports = quoted_ports(q);
  FUZZ_CHECK(ports.has_value() == (q.transport.size() >= 4));
  if (ports) FUZZ_CHECK(ports->src == load_be16(q.transport, 0) && ports->dst == load_be16(q.transport, 2));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::uint8_t> bytes(data, size);
  auto m = parse_icmp_message(bytes);
  if (!m) return 0;
  bool v6 = m->is_v6();
  FUZZ_CHECK(size > 0 && (data[0] >> 4) == (v6 ? 6 : 4));
  FUZZ_CHECK(m->outer_dst.is_v6() == v6);
  FUZZ_CHECK(m->kind == expected_kind(v6, m->type));
  bool echo = m->kind == IcmpKind::EchoReply || m->kind == IcmpKind::EchoRequest;
  bool error = m->kind == IcmpKind::TimeExceeded || m->kind == IcmpKind::DestUnreachable;
  if (!echo) FUZZ_CHECK(m->echo_id == 0 && m->echo_seq == 0);
  if (!error) FUZZ_CHECK(!m->quoted);
  if (m->quoted) check_quote(*m->quoted, v6, bytes);
  return 0;
}
