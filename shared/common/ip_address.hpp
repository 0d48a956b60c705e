// Addresses are Boost.Asio's value types; this header names them for the project
// and adds the few helpers both sides need.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <string>

namespace ddtr {

using IpAddress = boost::asio::ip::address;

struct Endpoint {
  IpAddress address;
  std::uint16_t port = 0;
  bool operator==(const Endpoint&) const = default;
};

// Text form as Go prints a net.IP: IPv4-mapped IPv6 addresses as dotted quads.
inline std::string ip_text(const IpAddress& ip) {
  if (ip.is_v6() && ip.to_v6().is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, ip.to_v6()).to_string();
  }
  return ip.to_string();
}

}  // namespace ddtr
