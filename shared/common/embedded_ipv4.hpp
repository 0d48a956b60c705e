// The IPv6 address forms that carry an IPv4 address. A packet to one of them
// may end up at that IPv4 address (a NAT64 gateway, a 6to4 relay, a Teredo
// server or client, a dual-stack host), so a rule written for the IPv4 address
// must hold for every spelling of it. Pure functions, exact bit positions per
// RFC, tested with the RFCs' own vectors.
#pragma once

#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/address_v6.hpp>
#include <string_view>
#include <vector>

namespace ddtr {

struct EmbeddedIpv4 {
  boost::asio::ip::address_v4 address;
  std::string_view form;  // "IPv4-mapped", "Teredo client", ... for messages
};

// Every IPv4 address `address` carries, in a fixed order; empty for an
// address of none of the forms. Forms and where the IPv4 sits:
//   ::ffff:0:0/96   IPv4-mapped (RFC 4291 2.5.5.2)        bits 96-127
//   ::/96           IPv4-compatible, deprecated (RFC 4291 2.5.5.1), bits 96-127,
//                   except :: and ::1 (unspecified, loopback)
//   64:ff9b::/96    NAT64 well-known prefix (RFC 6052 2.1) bits 96-127
//   64:ff9b:1::/48  NAT64 local-use prefix (RFC 8215), RFC 6052 2.2 layout for
//                   a /48: bits 48-63 and 72-87 (bits 64-71 are the "u" octet)
//   2002::/16       6to4 (RFC 3056 2)                     bits 16-47
//   2001::/32       Teredo (RFC 4380 4): the server in bits 32-63, the client
//                   in bits 96-127 with every bit inverted
std::vector<EmbeddedIpv4> embedded_ipv4(const boost::asio::ip::address_v6& address);

}  // namespace ddtr
