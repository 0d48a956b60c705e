// Linux PacketSink: a raw IPPROTO_RAW socket with header-include, so the probe
// strategy controls every byte of the IP header (TTL, ID, source).
#pragma once

#include "platform/packets.hpp"
#include "platform/posix/unique_fd.hpp"

namespace ddtr::platform::linux_ {

class RawSocketSink final : public PacketSink {
 public:
  explicit RawSocketSink(bool ipv6);
  WireTime write_to(std::span<const std::uint8_t> packet, const Endpoint& destination) override;

 private:
  UniqueFd fd_;
  bool ipv6_;
};

}  // namespace ddtr::platform::linux_
