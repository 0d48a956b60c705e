#include "platform/windows/winconn/icmp_error_info.hpp"

#include <cstring>

namespace ddtr::platform::windows::winconn {

std::optional<IcmpErrorInfo> decode_icmp_error_info(std::span<const std::uint8_t> b) {
  if (b.size() < kIcmpErrorInfoSize) return std::nullopt;
  // The family is the union's first field, little-endian.
  std::uint16_t family = static_cast<std::uint16_t>(b[0] | (b[1] << 8));
  IcmpErrorInfo info;
  if (family == 2) {  // sockaddr_in: family, port, then the address @4
    boost::asio::ip::address_v4::bytes_type a;
    std::memcpy(a.data(), &b[4], a.size());
    info.source = boost::asio::ip::address_v4(a);
  } else if (family == 23) {  // sockaddr_in6: family, port, flowinfo, then the address @8
    boost::asio::ip::address_v6::bytes_type a;
    std::memcpy(a.data(), &b[8], a.size());
    info.source = boost::asio::ip::address_v6(a);
  } else {
    return std::nullopt;
  }
  info.protocol = static_cast<std::uint32_t>(b[28] | (b[29] << 8) | (b[30] << 16) | (static_cast<std::uint32_t>(b[31]) << 24));
  info.type = b[kIcmpErrorTypeOffset];
  info.code = b[kIcmpErrorCodeOffset];
  return info;
}

}  // namespace ddtr::platform::windows::winconn
