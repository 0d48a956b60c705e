// The Datadog network driver's (ddnpm) user-mode API as the traceroute uses it:
// device paths, the version signature, the one IOCTL, the layout constants.
// Restated from datadog-agent pkg/network/driver (ddnpmapi.h, types_windows.go)
// with no Windows header, so the filter and header code builds and is tested
// on Linux too; driver_handle.cpp static_asserts these against <winioctl.h>.
#pragma once

#include <cstdint>

namespace ddtr::platform::windows::driver {

// The kernel driver's SCM service and its handles (Win32 device paths).
inline constexpr const wchar_t* kServiceName = L"ddnpm";
inline constexpr const wchar_t* kDataHandlePath = L"\\\\.\\ddnpm\\transporthandle";
inline constexpr const wchar_t* kFlowHandlePath = L"\\\\.\\ddnpm\\flowstatshandle";
inline constexpr const wchar_t* kStatsHandlePath = L"\\\\.\\ddnpm\\driverstatshandle";

// The agent's HandleType: a string enum. The traceroute only opens Data.
enum class HandleType { Flow, Data, Stats };

// DD_NPMDRIVER_VERSION. The driver rejects structures of another version, and
// the value has changed over time: it must match the installed ddnpm.sys, so
// the daemon can override it (--windows-driver-version, passed down through
// the engine to the data device). 0x18 because upstream's pinned driver
// package (agent revision of 2025-09-30) has FILTER_DEFINITION's `discard`
// field, which upstream's discard filters set. 0x16 predates that field: its
// record is 152 bytes (size 0x98) and upstream then installed no discard
// filters. driver_layout() knows these two and refuses any other.
inline constexpr std::uint64_t kDefaultDriverVersion = 0x18;
constexpr std::uint64_t driver_signature(std::uint64_t version) { return (std::uint64_t{0xDDFD} << 32) | version; }
// The version a signature carries (its low 32 bits).
constexpr std::uint64_t signature_version(std::uint64_t signature) { return signature & 0xFFFFFFFFu; }

// CTL_CODE(FILE_DEVICE_NETWORK, function, METHOD_BUFFERED, FILE_ANY_ACCESS).
constexpr std::uint32_t network_ctl_code(std::uint32_t function) { return (0x12u << 16) | (function << 2); }
inline constexpr std::uint32_t kGetStatsIoctl = network_ctl_code(0x801);       // 0x122004
inline constexpr std::uint32_t kSetDataFilterIoctl = network_ctl_code(0x803);  // 0x12200C
static_assert(kGetStatsIoctl == 0x122004);
static_assert(kSetDataFilterIoctl == 0x12200C);

// Field values of FILTER_DEFINITION.
inline constexpr std::uint64_t kLayerTransport = 1;   // FILTER_LAYER_TRANSPORT (IPPACKET = 0 is unused)
inline constexpr std::uint64_t kDirectionInbound = 0;  // DIRECTION_INBOUND
inline constexpr std::uint64_t kDirectionOutbound = 1;
// Windows' address family numbers (AF_INET6 is 23 there, 10 on Linux).
inline constexpr std::uint64_t kAfInet = 2;
inline constexpr std::uint64_t kAfInet6 = 23;
inline constexpr std::uint64_t kProtoIcmp = 1;
inline constexpr std::uint64_t kProtoTcp = 6;
inline constexpr std::uint64_t kProtoUdp = 17;
inline constexpr std::uint64_t kProtoIcmpv6 = 58;
// The traceroute's masks are all-ones values, not the bit counts the header
// comment describes; kept as upstream sends them.
inline constexpr std::uint64_t kMaskV4 = 0xFFFFFFFF;
inline constexpr std::uint64_t kMaskV6 = 0xFFFFFFFFFFFFFFFF;

// Sizes of the packed (#pragma pack(1)) little-endian structures.
inline constexpr std::size_t kFilterAddressSize = 40;
inline constexpr std::size_t kFilterDefinitionSize = 160;     // 0xA0, versions with `discard` (0x18)
inline constexpr std::size_t kFilterDefinitionSizeV16 = 152;  // 0x98, version 0x16: no `discard`
inline constexpr std::size_t kPacketHeaderSize = 72;       // 0x48, FILTER_PACKET_HEADER
inline constexpr std::size_t kFilterIdSize = 8;            // SET_DATA_FILTER's output: an int64 id

}  // namespace ddtr::platform::windows::driver
