// FILTER_DEFINITION records for SET_DATA_FILTER, built by upstream's rules
// (packets/windows_filters.go and SourceDriver.createPacketFilters), and their
// exact wire form for the driver's version (160 bytes for 0x18, 152 without
// `discard` for 0x16). Plain code: built and tested everywhere.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "platform/packets.hpp"
#include "platform/windows/driver/driver_api.hpp"
#include "platform/windows/driver/driver_version.hpp"

namespace ddtr::platform::windows::driver {

// FILTER_ADDRESS: zero everywhere means "any address".
struct FilterAddress {
  std::uint64_t af = 0;
  std::array<std::uint8_t, 4> v4{};   // network byte order
  std::array<std::uint8_t, 16> v6{};  // network byte order
  std::uint64_t mask = 0;
  bool operator==(const FilterAddress&) const = default;
};

// FILTER_DEFINITION, field for field; zero ports and protocol mean "any".
struct FilterDefinition {
  std::uint64_t filter_version = 0;
  std::uint64_t size = kFilterDefinitionSize;
  std::uint64_t filter_layer = kLayerTransport;
  std::uint64_t af = 0;
  FilterAddress local_address;
  FilterAddress remote_address;
  std::uint64_t local_port = 0;   // host byte order
  std::uint64_t remote_port = 0;  // host byte order
  std::uint64_t protocol = 0;
  std::uint64_t direction = kDirectionInbound;
  std::uint64_t interface_index = 0;
  std::uint64_t discard = 0;  // 1: the driver drops matching packets before the OS stack sees them (0x18 only)
  bool operator==(const FilterDefinition&) const = default;
};

using FilterBytes = std::vector<std::uint8_t>;

// The packed little-endian layout of ddnpmapi.h (offsets in the platform
// README), `filter.size` bytes long: 160 with `discard` last, or 152 without
// it. Throws ddtr::Error for another size, or for a discard in a 152-byte record.
FilterBytes encode(const FilterDefinition& filter);

// An address as the driver wants it: the family, the bytes, an all-ones mask.
// An absent endpoint (upstream's zero netip.Addr) is the zero "any" address.
FilterAddress filter_address(const std::optional<Endpoint>& endpoint);

// Upstream's getWindowsFilter: the filters one PacketFilterSpec adds after the
// ICMP pair (ICMP, UDP: none; TCP, SYN-ACK: a capture and a discard filter;
// None: capture and discard for both families). Throws ddtr::Error
// "invalid filter type: N" for a value outside the enum.
std::vector<FilterDefinition> windows_filter(const PacketFilterSpec& spec, std::uint64_t signature);

// Upstream's createPacketFilters: ICMPv4 and ICMPv6 inbound always, then the
// spec's own filters, in the order they are installed. Throws ddtr::Error
// "failed to get windows filter: invalid filter type: N".
std::vector<FilterDefinition> packet_filters(const PacketFilterSpec& spec, std::uint64_t signature);

}  // namespace ddtr::platform::windows::driver
