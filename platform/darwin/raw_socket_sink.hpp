// macOS PacketSink. IPv4: one IPPROTO_RAW socket with IP_HDRINCL, ip_len and
// ip_off in host byte order (bsd_raw_send.hpp). IPv6: macOS has no
// IPV6_HDRINCL, so one raw socket per transport protocol (opened on first
// use), the transport bytes sent with the hop limit and our source address as
// ancillary data. macOS only.
#pragma once

#include <map>

#include "platform/packets.hpp"
#include "platform/posix/unique_fd.hpp"

namespace ddtr::platform::darwin {

class RawSocketSink final : public PacketSink {
 public:
  explicit RawSocketSink(bool ipv6);
  WireTime write_to(std::span<const std::uint8_t> packet, const Endpoint& destination) override;

 private:
  WireTime write_v4(std::span<const std::uint8_t> packet, const Endpoint& destination);
  WireTime write_v6(std::span<const std::uint8_t> packet, const Endpoint& destination);
  int v6_socket(std::uint8_t protocol);

  bool ipv6_;
  UniqueFd v4_;
  std::map<std::uint8_t, UniqueFd> v6_by_protocol_;  // ICMPv6, UDP, TCP: at most three
};

}  // namespace ddtr::platform::darwin
