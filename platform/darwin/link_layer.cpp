#include "platform/darwin/link_layer.hpp"

namespace ddtr::platform::darwin {
namespace {

// The family word read as a big-endian number, the way a BPF `ld [0]` reads
// it; then both byte orders are tried.
std::optional<bool> family_is_ipv6(std::span<const std::uint8_t> frame) {
  std::uint32_t word = (static_cast<std::uint32_t>(frame[0]) << 24) | (static_cast<std::uint32_t>(frame[1]) << 16) |
                       (static_cast<std::uint32_t>(frame[2]) << 8) | frame[3];
  for (std::uint32_t family : {word, byte_swap32(word)}) {
    if (family == kDarwinAfInet) return false;
    if (family == kDarwinAfInet6) return true;
  }
  return std::nullopt;
}

std::optional<LinkFrame> checked(std::span<const std::uint8_t> ip, bool ipv6) {
  if (ip.empty() || (ip[0] >> 4) != (ipv6 ? 6 : 4)) return std::nullopt;
  return LinkFrame{ip, ipv6};
}

}  // namespace

std::optional<LinkType> link_type_from_dlt(std::uint32_t dlt) {
  switch (dlt) {
    case kDltEn10mb: return LinkType::Ethernet;
    case kDltNull:
    case kDltLoop: return LinkType::Family;
    case kDltRaw: return LinkType::Raw;
    default: return std::nullopt;
  }
}

std::size_t link_header_size(LinkType link) {
  switch (link) {
    case LinkType::Ethernet: return kEthernetHeader;
    case LinkType::Family: return kFamilyHeader;
    case LinkType::Raw: return 0;
  }
  return 0;
}

std::optional<LinkFrame> strip_link_header(std::span<const std::uint8_t> frame, LinkType link) {
  switch (link) {
    case LinkType::Ethernet: {
      if (frame.size() < kEthernetHeader) return std::nullopt;
      auto type = static_cast<std::uint16_t>((frame[12] << 8) | frame[13]);
      if (type != kEtherTypeIpv4 && type != kEtherTypeIpv6) return std::nullopt;
      return checked(frame.subspan(kEthernetHeader), type == kEtherTypeIpv6);
    }
    case LinkType::Family: {
      if (frame.size() < kFamilyHeader) return std::nullopt;
      auto ipv6 = family_is_ipv6(frame);
      if (!ipv6) return std::nullopt;
      return checked(frame.subspan(kFamilyHeader), *ipv6);
    }
    case LinkType::Raw:
      if (frame.empty()) return std::nullopt;
      return checked(frame, (frame[0] >> 4) == 6);
  }
  return std::nullopt;
}

}  // namespace ddtr::platform::darwin
