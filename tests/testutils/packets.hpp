// Crafted packets for tests: what a Linux router or host would send back.
#pragma once

#include <boost/asio/ip/address_v4.hpp>
#include <cstdint>
#include <vector>

#include "daemon/probes/wire/checksum.hpp"
#include "daemon/probes/wire/ipv4_header.hpp"

namespace ddtr::testutils {

inline std::vector<std::uint8_t> ipv4_packet(boost::asio::ip::address_v4 src, boost::asio::ip::address_v4 dst,
                                             std::uint8_t protocol, const std::vector<std::uint8_t>& payload,
                                             std::uint8_t ttl = 64, std::uint16_t id = 0x1234) {
  std::vector<std::uint8_t> packet(probes::kIpv4HeaderSize + payload.size());
  probes::Ipv4Header h;
  h.total_length = static_cast<std::uint16_t>(packet.size());
  h.id = id;
  h.ttl = ttl;
  h.protocol = protocol;
  h.src = src;
  h.dst = dst;
  probes::write_ipv4_header(packet, h);
  std::copy(payload.begin(), payload.end(), packet.begin() + probes::kIpv4HeaderSize);
  return packet;
}

// ICMP error (type/code) from `router` to `to`, quoting the first 28 bytes of
// `original` (IPv4 header + 8 transport bytes), as Linux does for TTL expiry.
inline std::vector<std::uint8_t> icmp_error(boost::asio::ip::address_v4 router, boost::asio::ip::address_v4 to,
                                            std::uint8_t type, std::uint8_t code,
                                            const std::vector<std::uint8_t>& original, std::size_t quote = 28) {
  std::vector<std::uint8_t> icmp = {type, code, 0, 0, 0, 0, 0, 0};
  icmp.insert(icmp.end(), original.begin(), original.begin() + static_cast<long>(std::min(quote, original.size())));
  auto sum = probes::internet_checksum(icmp);
  icmp[2] = static_cast<std::uint8_t>(sum >> 8);
  icmp[3] = static_cast<std::uint8_t>(sum);
  return ipv4_packet(router, to, probes::kProtoIcmp, icmp);
}

inline std::vector<std::uint8_t> icmp_echo_reply(boost::asio::ip::address_v4 from, boost::asio::ip::address_v4 to,
                                                 std::uint16_t id, std::uint16_t seq) {
  std::vector<std::uint8_t> icmp = {0, 0, 0, 0, static_cast<std::uint8_t>(id >> 8), static_cast<std::uint8_t>(id),
                                    static_cast<std::uint8_t>(seq >> 8), static_cast<std::uint8_t>(seq), 0};
  auto sum = probes::internet_checksum(icmp);
  icmp[2] = static_cast<std::uint8_t>(sum >> 8);
  icmp[3] = static_cast<std::uint8_t>(sum);
  return ipv4_packet(from, to, probes::kProtoIcmp, icmp);
}

}  // namespace ddtr::testutils

#include "daemon/probes/wire/ipv6_header.hpp"

namespace ddtr::testutils {

inline std::vector<std::uint8_t> ipv6_packet(const boost::asio::ip::address_v6& src,
                                             const boost::asio::ip::address_v6& dst, std::uint8_t next_header,
                                             const std::vector<std::uint8_t>& payload) {
  std::vector<std::uint8_t> packet(probes::kIpv6HeaderSize + payload.size());
  probes::write_ipv6_header(packet, probes::Ipv6Header{static_cast<std::uint16_t>(payload.size()), next_header, 64,
                                                       src, dst});
  std::copy(payload.begin(), payload.end(), packet.begin() + probes::kIpv6HeaderSize);
  return packet;
}

// ICMPv6 error from `router`, quoting as much of `original` as fits (Linux
// quotes up to the minimum MTU, i.e. all of a small probe).
inline std::vector<std::uint8_t> icmpv6_error(const boost::asio::ip::address_v6& router,
                                              const boost::asio::ip::address_v6& to, std::uint8_t type,
                                              std::uint8_t code, const std::vector<std::uint8_t>& original) {
  std::vector<std::uint8_t> icmp = {type, code, 0, 0, 0, 0, 0, 0};
  icmp.insert(icmp.end(), original.begin(), original.end());
  auto sum = probes::ipv6_transport_checksum(router, to, probes::kProtoIcmpv6, icmp);
  icmp[2] = static_cast<std::uint8_t>(sum >> 8);
  icmp[3] = static_cast<std::uint8_t>(sum);
  return ipv6_packet(router, to, probes::kProtoIcmpv6, icmp);
}

inline std::vector<std::uint8_t> icmpv6_echo_reply(const boost::asio::ip::address_v6& from,
                                                   const boost::asio::ip::address_v6& to, std::uint16_t id,
                                                   std::uint16_t seq) {
  std::vector<std::uint8_t> icmp = {129, 0, 0, 0, static_cast<std::uint8_t>(id >> 8), static_cast<std::uint8_t>(id),
                                    static_cast<std::uint8_t>(seq >> 8), static_cast<std::uint8_t>(seq), 0};
  auto sum = probes::ipv6_transport_checksum(from, to, probes::kProtoIcmpv6, icmp);
  icmp[2] = static_cast<std::uint8_t>(sum >> 8);
  icmp[3] = static_cast<std::uint8_t>(sum);
  return ipv6_packet(from, to, probes::kProtoIcmpv6, icmp);
}

}  // namespace ddtr::testutils
