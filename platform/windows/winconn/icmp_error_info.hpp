// What Winsock tells about the ICMP error that failed a connect
// (TCP_ICMP_ERROR_INFO, Windows 10 2004 and later). mingw-w64's headers (Debian
// 12) have neither option nor struct, so both are restated here from the SDK
// (ws2ipdef.h, mstcpip.h); the decoder is plain code, tested everywhere.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include "shared/common/ip_address.hpp"

namespace ddtr::platform::windows::winconn {

inline constexpr int kTcpFailConnectOnIcmpError = 18;  // TCP_FAIL_CONNECT_ON_ICMP_ERROR, level IPPROTO_TCP
inline constexpr int kTcpIcmpErrorInfo = 19;           // TCP_ICMP_ERROR_INFO, level IPPROTO_TCP
inline constexpr unsigned long kFionbio = 0x8004667E;  // FIONBIO, as upstream passes it to WSAIoctl
inline constexpr short kPollOut = 0x0010;               // POLLOUT (POLLWRNORM)
inline constexpr int kSoError = 0x1007;                 // SO_ERROR

// ICMP_ERROR_INFO: SOCKADDR_INET srcaddress (a 28-byte union) @0, IPPROTO
// protocol @28, UINT8 type @32, UINT8 code @33; 36 bytes with padding.
// (Upstream's Go copy declares the union as a struct, 44 bytes, and reads
// type/code at 40/41; only its IPv4 address bytes line up with the SDK's.)
inline constexpr std::size_t kIcmpErrorInfoSize = 36;
inline constexpr std::size_t kIcmpErrorTypeOffset = 32;
inline constexpr std::size_t kIcmpErrorCodeOffset = 33;

struct IcmpErrorInfo {
  IpAddress source;  // the router (or host) that sent the ICMP error
  std::uint32_t protocol = 0;
  std::uint8_t type = 0;
  std::uint8_t code = 0;
};

// Decodes the getsockopt bytes (Windows family numbers: AF_INET 2, AF_INET6
// 23). nullopt for a short buffer or an unknown family.
std::optional<IcmpErrorInfo> decode_icmp_error_info(std::span<const std::uint8_t> bytes);

}  // namespace ddtr::platform::windows::winconn
