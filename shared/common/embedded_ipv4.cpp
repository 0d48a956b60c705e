#include "shared/common/embedded_ipv4.hpp"

#include <array>
#include <cstddef>

namespace ddtr {
namespace {

using Bytes = boost::asio::ip::address_v6::bytes_type;

boost::asio::ip::address_v4 v4_at(const Bytes& b, std::size_t i0, std::size_t i1, std::size_t i2, std::size_t i3,
                                  unsigned char flip = 0) {
  return boost::asio::ip::address_v4(boost::asio::ip::address_v4::bytes_type{
      static_cast<unsigned char>(b[i0] ^ flip), static_cast<unsigned char>(b[i1] ^ flip),
      static_cast<unsigned char>(b[i2] ^ flip), static_cast<unsigned char>(b[i3] ^ flip)});
}

bool zero(const Bytes& b, std::size_t from, std::size_t to) {
  for (std::size_t i = from; i < to; ++i) {
    if (b[i] != 0) return false;
  }
  return true;
}

}  // namespace

std::vector<EmbeddedIpv4> embedded_ipv4(const boost::asio::ip::address_v6& address) {
  const Bytes b = address.to_bytes();
  std::vector<EmbeddedIpv4> out;
  if (zero(b, 0, 10) && b[10] == 0xff && b[11] == 0xff) {
    out.push_back({v4_at(b, 12, 13, 14, 15), "IPv4-mapped"});
  } else if (zero(b, 0, 12)) {
    // :: and ::1 are the unspecified and loopback addresses, not 0.0.0.0/0.0.0.1.
    bool special = zero(b, 12, 15) && b[15] <= 1;
    if (!special) out.push_back({v4_at(b, 12, 13, 14, 15), "IPv4-compatible"});
  } else if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b) {
    if (zero(b, 4, 12)) {
      out.push_back({v4_at(b, 12, 13, 14, 15), "NAT64 well-known prefix"});
    } else if (b[4] == 0x00 && b[5] == 0x01) {
      out.push_back({v4_at(b, 6, 7, 9, 10), "NAT64 local-use prefix"});
    }
  } else if (b[0] == 0x20 && b[1] == 0x02) {
    out.push_back({v4_at(b, 2, 3, 4, 5), "6to4"});
  } else if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x00) {
    out.push_back({v4_at(b, 4, 5, 6, 7), "Teredo server"});
    out.push_back({v4_at(b, 12, 13, 14, 15, 0xff), "Teredo client"});
  }
  return out;
}

}  // namespace ddtr
