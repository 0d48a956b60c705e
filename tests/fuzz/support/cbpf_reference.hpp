// What each capture filter is meant to accept, written as plain C++ over the
// packet's fields from the filters' documented meaning (platform/packets.hpp,
// platform/linux/cbpf_filters.hpp), without looking at the programs:
//
//   Icmp    ICMPv4, and ICMPv6 directly after the IPv6 header or after one
//           fragment header;
//   Udp     the same, plus UDP directly after the IPv4 or IPv6 header;
//   Tcp     the same ICMP, plus TCP from `src` (the remote side: address and
//           port) to `dst` (the local side), both required, that is not a
//           later IPv4 fragment; the TCP header starts after the IPv4 header
//           length, or right after the IPv6 header;
//   SynAck  the same ICMP, plus TCP from `src` when given (the local side is
//           never checked: the sack channel sets this filter before its port
//           is bound) with both SYN and ACK set.
//
// The link layer says which IP family a packet is (the ethertype), not the
// version nibble; anything else is dropped. A field past the captured bytes
// cannot match (the kernel drops a packet whose filter reads past its end).
#pragma once

#include <cstdint>
#include <span>

#include "platform/packets.hpp"

namespace ddtr::fuzz {

bool filter_should_accept(const platform::PacketFilterSpec& spec, std::span<const std::uint8_t> packet,
                          std::uint16_t ethertype);

}  // namespace ddtr::fuzz
