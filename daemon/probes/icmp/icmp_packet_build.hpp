// Building upstream's ICMP echo probes.
#pragma once

#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/address_v6.hpp>
#include <cstdint>
#include <vector>

namespace ddtr::probes {

// 29 bytes: IPv4 (ID = echo id, no flags, TTL = ttl, protocol 1), ICMP echo
// request (identifier = echo id, sequence = ttl) and a 1-byte payload = ttl.
std::vector<std::uint8_t> build_icmp_echo_v4(boost::asio::ip::address_v4 src, boost::asio::ip::address_v4 dst,
                                             std::uint16_t echo_id, std::uint8_t ttl);

// 49 bytes: IPv6 (hop limit = ttl, next header 58, payload length 9), ICMPv6
// echo request (identifier, sequence = ttl) with a 1-byte payload = ttl.
std::vector<std::uint8_t> build_icmp_echo_v6(const boost::asio::ip::address_v6& src,
                                             const boost::asio::ip::address_v6& dst, std::uint16_t echo_id,
                                             std::uint8_t ttl);

}  // namespace ddtr::probes
