// The records of one read(2) from a macOS /dev/bpf device. A read returns a
// batch: each packet is preceded by a `struct bpf_hdr` and the next record
// starts at the next 4-byte boundary. This file walks such a batch one record
// at a time and never trusts a length it has not checked against the bytes it
// holds. Plain functions with no macOS header: they build and are tested on
// Linux; the layout constants below name the macOS header they come from.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "platform/darwin/link_layer.hpp"
#include "platform/packets.hpp"

namespace ddtr::platform::darwin {

// <net/bpf.h>, user space, LP64 and 32-bit alike:
//   struct bpf_hdr {
//     struct BPF_TIMEVAL bh_tstamp;  // timeval32 on LP64: { int32_t tv_sec; int32_t tv_usec; }  offset 0
//     bpf_u_int32 bh_caplen;         // bytes captured                                            offset 8
//     bpf_u_int32 bh_datalen;        // bytes the packet had on the wire                          offset 12
//     u_short bh_hdrlen;             // this header plus padding: where the packet starts         offset 16
//   };
// sizeof(struct bpf_hdr) is 20 (padding), but the kernel's SIZEOF_BPF_HDR is 18
// and it writes bh_hdrlen = BPF_WORDALIGN(linkhdr + 18) - linkhdr so that the IP
// header is aligned: 18 on Ethernet (14-byte link header), 20 on DLT_NULL. So
// only 18 bytes are guaranteed before the packet.
inline constexpr std::size_t kBpfTstampSecOffset = 0;
inline constexpr std::size_t kBpfTstampUsecOffset = 4;
inline constexpr std::size_t kBpfCaplenOffset = 8;
inline constexpr std::size_t kBpfDatalenOffset = 12;
inline constexpr std::size_t kBpfHdrlenOffset = 16;
inline constexpr std::size_t kBpfHeaderFields = 18;  // SIZEOF_BPF_HDR in bsd/net/bpf.h (kernel side)

// <net/bpf.h>: #define BPF_ALIGNMENT sizeof(int32_t), even on LP64 (not the
// machine word, whatever the BSD manual says).
inline constexpr std::size_t kBpfAlignment = 4;
constexpr std::size_t bpf_wordalign(std::size_t n) { return (n + (kBpfAlignment - 1)) & ~(kBpfAlignment - 1); }

struct BpfRecord {
  std::int32_t tstamp_sec = 0;   // CLOCK_REALTIME (microtime) cut to 32 bits by the kernel
  std::int32_t tstamp_usec = 0;
  std::uint32_t datalen = 0;     // length on the wire; frame.size() is bh_caplen
  std::span<const std::uint8_t> frame;  // link-layer header included
  bool truncated() const { return frame.size() < datalen; }
};

// One read's batch, one record at a time. Fields are read in host byte order
// (the kernel writes them natively), byte by byte (the span may be misaligned).
class BpfRecordWalker {
 public:
  BpfRecordWalker() = default;
  explicit BpfRecordWalker(std::span<const std::uint8_t> batch) : rest_(batch) {}

  // The next record, or nullopt at the end of the batch or at the first
  // malformed record (then problem() says what was wrong and the rest of the
  // batch is dropped: nothing after a bad length can be located).
  std::optional<BpfRecord> next();

  // Null while the batch is well formed.
  const char* problem() const { return problem_; }

  // No bytes left to walk.
  bool exhausted() const { return rest_.empty(); }

 private:
  std::optional<BpfRecord> fail(const char* why);

  std::span<const std::uint8_t> rest_;
  const char* problem_ = nullptr;
};

// The kernel stores tv_sec as `(int)tv.tv_sec` (bsd/net/bpf.c, catchpacket),
// which wraps in 2038. A capture is seconds old when we read it, so take the
// 64-bit second nearest to `now` whose low 32 bits are the stamp's.
WireTime bpf_timestamp(std::int32_t sec, std::int32_t usec, WireTime now);

// An IP packet found in a batch: a view into the batch.
struct CapturedIpPacket {
  LinkFrame ip;
  BpfRecord record;
};

// Walks on to the next record that carries an IPv4 or IPv6 packet on a
// `link` interface, skipping the others (ARP, other families). nullopt at the
// end of the batch or at a malformed record (see walker.problem()).
std::optional<CapturedIpPacket> next_ip_packet(BpfRecordWalker& walker, LinkType link);

// The entry point for fuzz targets (tests/fuzz/) and tests: treats `batch` as
// one read() from a device on a `link` interface, walks every record and
// strips every link header. Never reads outside `batch`, never throws.
struct BpfBatchSummary {
  std::size_t records = 0;     // well-formed records, IP or not
  std::size_t ip_packets = 0;  // of which carry IPv4/IPv6
  std::size_t ip_bytes = 0;    // captured bytes of those IP packets
  bool malformed = false;      // the walk stopped at a bad record
};
BpfBatchSummary walk_bpf_batch(std::span<const std::uint8_t> batch, LinkType link);

}  // namespace ddtr::platform::darwin
