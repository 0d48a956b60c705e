// The link-layer headers a macOS /dev/bpf device puts before each packet, by
// the interface's data-link type (BIOCGDLT), and how to get from a frame to
// the IP packet inside it. Plain functions, no macOS header: built and tested
// on Linux. The values are copied from macOS headers, named beside each.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace ddtr::platform::darwin {

// <net/bpf.h> data-link types.
inline constexpr std::uint32_t kDltNull = 0;     // DLT_NULL: 4-byte address family (lo0; utun in some modes)
inline constexpr std::uint32_t kDltEn10mb = 1;   // DLT_EN10MB: Ethernet, also Wi-Fi's default DLT
inline constexpr std::uint32_t kDltRaw = 12;     // DLT_RAW: the IP header first (12 on macOS, 14 on OpenBSD)
inline constexpr std::uint32_t kDltLoop = 108;   // DLT_LOOP: like DLT_NULL, family in network order

// <sys/socket.h> on macOS (not Linux's 10 for AF_INET6).
inline constexpr std::uint32_t kDarwinAfInet = 2;
inline constexpr std::uint32_t kDarwinAfInet6 = 30;

inline constexpr std::size_t kEthernetHeader = 14;
inline constexpr std::size_t kFamilyHeader = 4;
inline constexpr std::uint16_t kEtherTypeIpv4 = 0x0800;
inline constexpr std::uint16_t kEtherTypeIpv6 = 0x86dd;

// A BPF `ld` reads words big-endian; lo0 writes its family word in host order.
constexpr std::uint32_t byte_swap32(std::uint32_t v) {
  return (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24);
}

enum class LinkType {
  Ethernet,  // DLT_EN10MB: 14 bytes, EtherType at offset 12
  Family,    // DLT_NULL and DLT_LOOP: a 4-byte address family, host order on lo0 (if_loop.c);
             // we accept either byte order so one rule serves both DLTs
  Raw,       // DLT_RAW: no header, the IP version nibble says the family
};

// nullopt for every DLT we cannot parse (802.11 radio headers, PPP, pktap...).
std::optional<LinkType> link_type_from_dlt(std::uint32_t dlt);

std::size_t link_header_size(LinkType link);

struct LinkFrame {
  std::span<const std::uint8_t> ip;  // from the IP header to the end of the capture
  bool ipv6 = false;
};

// The IP packet in `frame`, or nullopt when the frame is not IPv4/IPv6 (ARP,
// VLAN-tagged, another family), too short for its link header, or its IP
// version nibble contradicts what the link header said. Ethernet padding
// after a short IP packet stays in (the parsers read IP lengths).
std::optional<LinkFrame> strip_link_header(std::span<const std::uint8_t> frame, LinkType link);

}  // namespace ddtr::platform::darwin
