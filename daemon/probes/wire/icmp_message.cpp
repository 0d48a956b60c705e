#include "daemon/probes/wire/icmp_message.hpp"

#include "daemon/probes/wire/byte_order.hpp"
#include "daemon/probes/wire/ipv4_header.hpp"
#include "daemon/probes/wire/ipv6_header.hpp"

namespace ddtr::probes {
namespace {

std::optional<QuotedPacket> quote_v4(std::span<const std::uint8_t> bytes) {
  auto inner = parse_ipv4(bytes);
  if (!inner) return std::nullopt;
  return QuotedPacket{IpAddress(inner->header.src), IpAddress(inner->header.dst), inner->header.protocol,
                      inner->header.id, 0, inner->payload};
}

std::optional<QuotedPacket> quote_v6(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < kIpv6HeaderSize || (bytes[0] >> 4) != 6) return std::nullopt;
  boost::asio::ip::address_v6::bytes_type src, dst;
  std::copy(bytes.begin() + 8, bytes.begin() + 24, src.begin());
  std::copy(bytes.begin() + 24, bytes.begin() + 40, dst.begin());
  // The quote is truncated, so its payload length does not bound what follows.
  return QuotedPacket{IpAddress(boost::asio::ip::address_v6(src)), IpAddress(boost::asio::ip::address_v6(dst)),
                      bytes[6], 0, load_be16(bytes, 4), bytes.subspan(kIpv6HeaderSize)};
}

IcmpKind kind_v4(std::uint8_t type) {
  switch (type) {
    case 0: return IcmpKind::EchoReply;
    case 3: return IcmpKind::DestUnreachable;
    case 8: return IcmpKind::EchoRequest;
    case 11: return IcmpKind::TimeExceeded;
    default: return IcmpKind::Other;
  }
}

IcmpKind kind_v6(std::uint8_t type) {
  switch (type) {
    case 1: return IcmpKind::DestUnreachable;
    case 3: return IcmpKind::TimeExceeded;
    case 128: return IcmpKind::EchoRequest;
    case 129: return IcmpKind::EchoReply;
    default: return IcmpKind::Other;
  }
}

// Shared by both families: the 8-byte ICMP header, then echo fields or a quote.
std::optional<IcmpMessage> read_icmp(IpAddress src, IpAddress dst, std::span<const std::uint8_t> icmp, bool v6) {
  if (icmp.size() < 8) return std::nullopt;
  IcmpMessage m;
  m.outer_src = src;
  m.outer_dst = dst;
  m.type = icmp[0];
  m.code = icmp[1];
  m.kind = v6 ? kind_v6(m.type) : kind_v4(m.type);
  if (m.kind == IcmpKind::EchoReply || m.kind == IcmpKind::EchoRequest) {
    m.echo_id = load_be16(icmp, 4);
    m.echo_seq = load_be16(icmp, 6);
  } else if (m.kind == IcmpKind::TimeExceeded || m.kind == IcmpKind::DestUnreachable) {
    m.quoted = v6 ? quote_v6(icmp.subspan(8)) : quote_v4(icmp.subspan(8));
  }
  return m;
}

}  // namespace

std::optional<IcmpMessage> parse_icmp_message(std::span<const std::uint8_t> packet) {
  if (packet.empty()) return std::nullopt;
  if ((packet[0] >> 4) == 4) {
    auto ip = parse_ipv4(packet);
    if (!ip || ip->header.protocol != kProtoIcmp) return std::nullopt;
    if ((ip->header.flags_fragment & 0x1fff) != 0) return std::nullopt;  // no ICMP header in later fragments
    return read_icmp(IpAddress(ip->header.src), IpAddress(ip->header.dst), ip->payload, false);
  }
  auto ip = parse_ipv6(packet);
  if (!ip) return std::nullopt;
  auto payload = ip->payload;
  std::uint8_t next = ip->header.next_header;
  if (next == 44) {  // one fragment header: only a first fragment carries the ICMPv6 header
    if (payload.size() < 8 || (load_be16(payload, 2) & 0xfff8) != 0) return std::nullopt;
    next = payload[0];
    payload = payload.subspan(8);
  }
  if (next != kProtoIcmpv6) return std::nullopt;
  return read_icmp(IpAddress(ip->header.src), IpAddress(ip->header.dst), payload, true);
}

std::optional<QuotedEcho> quoted_echo_request(const QuotedPacket& q) {
  bool v6 = q.src.is_v6();
  if (q.protocol != (v6 ? kProtoIcmpv6 : kProtoIcmp) || q.transport.size() < 8) return std::nullopt;
  if (q.transport[0] != (v6 ? 128 : 8)) return std::nullopt;
  return QuotedEcho{load_be16(q.transport, 4), load_be16(q.transport, 6)};
}

std::optional<QuotedPorts> quoted_ports(const QuotedPacket& q) {
  if (q.transport.size() < 4) return std::nullopt;
  return QuotedPorts{load_be16(q.transport, 0), load_be16(q.transport, 2)};
}

}  // namespace ddtr::probes
