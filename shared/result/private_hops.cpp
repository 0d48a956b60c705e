// result.RemovePrivateHops and Go's net.IP.IsPrivate.
#include <boost/asio/ip/address.hpp>
#include <string>
#include <utility>

#include "shared/result/normalize.hpp"

namespace ddtr {

bool is_private_ip(std::string_view ip_text) {
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(std::string(ip_text), ec);
  if (ec) return false;
  // Go checks ip.To4() first, so an IPv4-mapped IPv6 address is judged as IPv4.
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6());
  }
  if (address.is_v4()) {
    const auto bytes = address.to_v4().to_bytes();
    return bytes[0] == 10                                  // 10.0.0.0/8
           || (bytes[0] == 172 && (bytes[1] & 0xf0) == 16)  // 172.16.0.0/12
           || (bytes[0] == 192 && bytes[1] == 168);         // 192.168.0.0/16
  }
  return (address.to_v6().to_bytes()[0] & 0xfe) == 0xfc;  // fc00::/7
}

void remove_private_hops(Results& results) {
  if (!results.runs) return;
  for (Run& run : *results.runs) {
    for (Hop& hop : run.hops) {
      // Upstream replaces the hop with &TracerouteHop{TTL: ttl}: everything
      // else, reverse_dns and IsDest included, goes back to its zero value.
      if (!is_private_ip(hop.ip_address)) continue;
      Hop blank;
      blank.ttl = hop.ttl;
      hop = std::move(blank);
    }
  }
}

}  // namespace ddtr
