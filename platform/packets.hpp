// The seam between the engine and the operating system (the seed's `packets`
// part): a PacketSource that captures whole IP packets, a PacketSink that emits
// them, and the filter a source is asked to apply. Same meaning on every OS; the
// OS code lives beside this file in linux/, darwin/, windows/.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <system_error>

#include "shared/common/ip_address.hpp"

namespace ddtr::platform {

// Wire times are CLOCK_REALTIME because that is the clock the kernel stamps
// received packets with (SO_TIMESTAMPNS); send times are taken with the same clock.
using WireClock = std::chrono::system_clock;
using WireTime = WireClock::time_point;
using Deadline = std::chrono::steady_clock::time_point;

// Upstream's PacketFilterType, same numbering.
enum class FilterType : int { None = 0, Icmp = 1, Udp = 2, Tcp = 3, SynAck = 4 };

// As upstream: `src` is the remote side (the target), `dst` the local side; the
// filter describes packets arriving from the target. A filter is a performance
// hint: every probe strategy re-checks what it receives in user space.
struct PacketFilterSpec {
  FilterType type = FilterType::None;
  std::optional<Endpoint> src;
  std::optional<Endpoint> dst;
};

struct ReceivedPacket {
  std::size_t length = 0;  // bytes written to the caller's buffer, from the IP header on
  WireTime received_at;    // kernel receive timestamp
};

class PacketSource {
 public:
  virtual ~PacketSource() = default;
  virtual void set_packet_filter(const PacketFilterSpec& spec) = 0;
  // One packet, starting at its IP header. std::nullopt is the seed's
  // ReceiveProbeNoPkt: nothing arrived before the deadline (a deadline in the
  // past polls once without waiting). Failures throw ddtr::Error.
  virtual std::optional<ReceivedPacket> read(std::span<std::uint8_t> buffer, Deadline deadline) = 0;
  // Calls `handler` (on the io_context the source was made with) once a read
  // may find a packet, or with an error (operation_aborted after cancel()).
  virtual void async_wait_readable(std::function<void(std::error_code)> handler) = 0;
  virtual void cancel() = 0;
};

class PacketSink {
 public:
  virtual ~PacketSink() = default;
  // `packet` is a complete IP packet with every checksum computed. Returns the
  // time taken at the send call. Failures throw ddtr::Error.
  virtual WireTime write_to(std::span<const std::uint8_t> packet, const Endpoint& destination) = 0;
};

struct SourceSinkHandle {
  std::unique_ptr<PacketSource> source;
  std::unique_ptr<PacketSink> sink;
  // True only where a port reserved by an ordinary socket would divert replies
  // away from the capture (Windows raw sockets): close it before tracing.
  bool must_close_port = false;
};

}  // namespace ddtr::platform
