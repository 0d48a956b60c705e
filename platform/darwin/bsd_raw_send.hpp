// What a macOS raw socket wants instead of a plain IP packet. Plain functions,
// no macOS header: built and tested on Linux; raw_socket_sink.cpp applies them.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace ddtr::platform::darwin {

inline constexpr std::size_t kMaxRawIpv4Packet = 65535;  // IP_MAXPACKET in <netinet/ip.h>

// IPv4 with IP_HDRINCL: XNU's rip_output compares ip_len with the mbuf length
// unconverted and ip_output then byte-swaps ip_len and ip_off itself
// (bsd/netinet/raw_ip.c, ip_output.c: HTONS(ip->ip_len)): both fields must be
// in host byte order (the old BSD rule; FreeBSD dropped it, macOS did not).
// Returns a copy with the two fields rewritten. Throws ddtr::Error under 20
// bytes or over IP_MAXPACKET.
std::vector<std::uint8_t> ipv4_for_bsd_raw_socket(std::span<const std::uint8_t> packet);

// IPv6: macOS has no IPV6_HDRINCL. A raw IPv6 socket writes its own header
// with next header = the socket's protocol (raw_ip6.c: ip6_nxt =
// in6p_ip6_nxt), so the sink opens one socket per protocol and sends the
// transport bytes, with the hop limit and the source we computed checksums
// over as ancillary data (IPV6_HOPLIMIT, IPV6_PKTINFO).
struct Ipv6RawSend {
  std::uint8_t next_header = 0;
  std::uint8_t hop_limit = 0;
  std::array<std::uint8_t, 16> source{};
  std::span<const std::uint8_t> payload;  // a view into the packet
};

// Throws ddtr::Error when `packet` is not one IPv6 header followed by its
// payload (under 40 bytes, version not 6, payload length disagreeing with the
// bytes, or an extension header first: those would be lost).
Ipv6RawSend split_ipv6_for_raw_socket(std::span<const std::uint8_t> packet);

}  // namespace ddtr::platform::darwin
