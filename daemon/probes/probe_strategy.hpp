// A probe strategy decides what to send at which TTL and recognises the replies
// that belong to it. It does no IO and reads no clock (sans-IO): the engine
// feeds it bytes and keeps the times, so every strategy is unit-tested on byte
// arrays and replayed from captures. One strategy object serves one run.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "platform/packets.hpp"
#include "shared/common/ip_address.hpp"

namespace ddtr::probes {

struct ProbeResponse {
  int ttl = 0;         // the TTL of the probe this reply answers
  IpAddress ip;        // who answered (router or destination)
  bool is_dest = false;
  // The reply names no probe (TCP SYN: a bare RST, no ACK, nothing of ours in
  // it): `ttl` is only the latest probe sent when it arrived. The run decides
  // which TTL reached the destination from the other hops' answers.
  bool unattributed = false;
};

class ProbeStrategy {
 public:
  virtual ~ProbeStrategy() = default;
  // The capture filter this strategy wants from its packet source.
  virtual platform::PacketFilterSpec filter() const = 0;
  // Where probes are sent (the sink's write_to destination).
  virtual Endpoint destination() const = 0;
  // A complete IP packet for `ttl` (checksums computed). Throws ddtr::Error for a
  // TTL outside the run's range or one already sent.
  virtual std::vector<std::uint8_t> build_probe(int ttl) = 0;
  // The reply this packet is, if it answers one of our probes. Anything else,
  // malformed packets included, is std::nullopt: wire data never aborts a run.
  virtual std::optional<ProbeResponse> match(std::span<const std::uint8_t> ip_packet) const = 0;
};

}  // namespace ddtr::probes
