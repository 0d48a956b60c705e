// Which run a captured reply belongs to, read from the identity our probes
// carry: the echo id (echo replies, and the echo request an ICMP error
// quotes), the UDP or TCP source port an ICMP error quotes, or the destination
// port of a TCP segment (the target's SYN-ACK or RST). Every run owns its
// identity host-wide (echo ids are leased daemon-wide, ports are held by kernel
// sockets), so the key names at most one run in practice; the run's strategy
// still checks everything else (addresses, sequence, TTL) before it believes
// the packet. A pure function on bytes from anyone: never reads out of bounds.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>

namespace ddtr::probes {

enum class RouteKind : std::uint8_t { IcmpEcho = 0, Udp = 1, Tcp = 2 };

struct ReplyRoute {
  bool ipv6 = false;
  RouteKind kind = RouteKind::IcmpEcho;
  std::uint16_t id = 0;  // echo id, or our (local) port

  bool operator==(const ReplyRoute&) const = default;
  // One integer per key, for hashing.
  std::uint32_t packed() const {
    return (static_cast<std::uint32_t>(ipv6) << 18) | (static_cast<std::uint32_t>(kind) << 16) | id;
  }
};

// std::nullopt for anything that is not a reply one of our probe kinds could
// get (other ICMP types, TCP without SYN+ACK or RST, malformed or truncated).
std::optional<ReplyRoute> reply_route(std::span<const std::uint8_t> ip_packet);

}  // namespace ddtr::probes

template <>
struct std::hash<ddtr::probes::ReplyRoute> {
  std::size_t operator()(const ddtr::probes::ReplyRoute& r) const noexcept { return r.packed(); }
};
