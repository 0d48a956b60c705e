#include "tests/fuzz/support/cbpf_reference.hpp"

#include <linux/if_ether.h>

#include <algorithm>
#include <optional>

namespace ddtr::fuzz {
namespace {

using platform::FilterType;

// IPv4 and IPv6 header fields by offset.
constexpr std::size_t kV4Fragment = 6, kV4Protocol = 9, kV4Src = 12, kV4Dst = 16;
constexpr std::size_t kV6NextHeader = 6, kV6Src = 8, kV6Dst = 24, kV6HeaderSize = 40;
constexpr std::uint32_t kIcmp = 1, kTcp = 6, kUdp = 17, kIcmpv6 = 58, kFragmentHeader = 44;
constexpr std::uint32_t kSyn = 0x02, kAck = 0x10;

// A big-endian field of `width` bytes at `at`, or std::nullopt past the end.
std::optional<std::uint32_t> field(std::span<const std::uint8_t> p, std::size_t at, std::size_t width) {
  if (at > p.size() || p.size() - at < width) return std::nullopt;
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < width; ++i) value = (value << 8) | p[at + i];
  return value;
}

bool field_is(std::span<const std::uint8_t> p, std::size_t at, std::size_t width, std::uint32_t value) {
  auto f = field(p, at, width);
  return f && *f == value;
}

bool address_is(std::span<const std::uint8_t> p, std::size_t at, const IpAddress& address) {
  if (address.is_v4()) {
    auto bytes = address.to_v4().to_bytes();
    return p.size() >= at + bytes.size() && std::equal(bytes.begin(), bytes.end(), p.begin() + static_cast<long>(at));
  }
  auto bytes = address.to_v6().to_bytes();
  return p.size() >= at + bytes.size() && std::equal(bytes.begin(), bytes.end(), p.begin() + static_cast<long>(at));
}

bool is_icmp(std::span<const std::uint8_t> p, std::uint16_t ethertype) {
  if (ethertype == ETH_P_IP) return field_is(p, kV4Protocol, 1, kIcmp);
  if (ethertype == ETH_P_IPV6) {
    if (field_is(p, kV6NextHeader, 1, kIcmpv6)) return true;
    // The fragment header's own next-header byte is its first.
    return field_is(p, kV6NextHeader, 1, kFragmentHeader) && field_is(p, kV6HeaderSize, 1, kIcmpv6);
  }
  return false;
}

bool is_udp(std::span<const std::uint8_t> p, std::uint16_t ethertype) {
  if (ethertype == ETH_P_IP) return field_is(p, kV4Protocol, 1, kUdp);
  if (ethertype == ETH_P_IPV6) return field_is(p, kV6NextHeader, 1, kUdp);
  return false;
}

bool is_wanted_tcp(const std::optional<Endpoint>& src, const std::optional<Endpoint>& dst, bool need_synack,
                   std::span<const std::uint8_t> p, std::uint16_t ethertype) {
  bool v6;
  if (ethertype == ETH_P_IP) {
    if (!field_is(p, kV4Protocol, 1, kTcp)) return false;
    v6 = false;
  } else if (ethertype == ETH_P_IPV6) {
    if (!field_is(p, kV6NextHeader, 1, kTcp)) return false;
    v6 = true;
  } else {
    return false;
  }
  // An endpoint of the other family never matches.
  if ((src && src->address.is_v6() != v6) || (dst && dst->address.is_v6() != v6)) return false;
  if (src && !address_is(p, v6 ? kV6Src : kV4Src, src->address)) return false;
  if (dst && !address_is(p, v6 ? kV6Dst : kV4Dst, dst->address)) return false;
  std::size_t tcp_at = kV6HeaderSize;
  if (!v6) {
    auto fragment = field(p, kV4Fragment, 2);
    if (!fragment || (*fragment & 0x1fff) != 0) return false;  // later fragments carry no TCP header
    auto ihl = field(p, 0, 1);
    if (!ihl) return false;
    tcp_at = (*ihl & 0x0f) * 4;
  }
  if (src && !field_is(p, tcp_at, 2, src->port)) return false;
  if (dst && !field_is(p, tcp_at + 2, 2, dst->port)) return false;
  if (need_synack) {
    auto flags = field(p, tcp_at + 13, 1);
    if (!flags || (*flags & (kSyn | kAck)) != (kSyn | kAck)) return false;
  }
  return true;
}

}  // namespace

bool filter_should_accept(const platform::PacketFilterSpec& spec, std::span<const std::uint8_t> packet,
                          std::uint16_t ethertype) {
  switch (spec.type) {
    case FilterType::None: return true;
    case FilterType::Icmp: return is_icmp(packet, ethertype);
    case FilterType::Udp: return is_icmp(packet, ethertype) || is_udp(packet, ethertype);
    case FilterType::Tcp:
      return is_icmp(packet, ethertype) || is_wanted_tcp(spec.src, spec.dst, false, packet, ethertype);
    case FilterType::SynAck:
      return is_icmp(packet, ethertype) || is_wanted_tcp(spec.src, std::nullopt, true, packet, ethertype);
  }
  return false;
}

}  // namespace ddtr::fuzz
