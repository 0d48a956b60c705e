#include "platform/darwin/bpf_records.hpp"

#include <cstring>

namespace ddtr::platform::darwin {
namespace {

template <typename T>
T read_native(std::span<const std::uint8_t> bytes, std::size_t offset) {
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof value);
  return value;
}

}  // namespace

std::optional<BpfRecord> BpfRecordWalker::fail(const char* why) {
  problem_ = why;
  rest_ = {};
  return std::nullopt;
}

std::optional<BpfRecord> BpfRecordWalker::next() {
  if (rest_.empty()) return std::nullopt;
  if (rest_.size() < kBpfHeaderFields) return fail("bpf buffer ends inside a bpf_hdr");
  BpfRecord record;
  record.tstamp_sec = read_native<std::int32_t>(rest_, kBpfTstampSecOffset);
  record.tstamp_usec = read_native<std::int32_t>(rest_, kBpfTstampUsecOffset);
  auto caplen = read_native<std::uint32_t>(rest_, kBpfCaplenOffset);
  record.datalen = read_native<std::uint32_t>(rest_, kBpfDatalenOffset);
  auto hdrlen = read_native<std::uint16_t>(rest_, kBpfHdrlenOffset);
  if (hdrlen < kBpfHeaderFields) return fail("bh_hdrlen is shorter than a bpf_hdr");
  // 64-bit sums: caplen is attacker-sized in a fuzzer and must not wrap.
  std::uint64_t end = std::uint64_t{hdrlen} + caplen;
  if (end > rest_.size()) return fail("bpf record claims more bytes than the buffer holds");
  record.frame = rest_.subspan(hdrlen, caplen);
  // The kernel pads each record to BPF_ALIGNMENT but not the last one, so a
  // batch may end right after the packet or after its padding.
  std::uint64_t next = bpf_wordalign(static_cast<std::size_t>(end));
  rest_ = next >= rest_.size() ? std::span<const std::uint8_t>{} : rest_.subspan(static_cast<std::size_t>(next));
  return record;
}

WireTime bpf_timestamp(std::int32_t sec, std::int32_t usec, WireTime now) {
  auto now_sec = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  // The signed 32-bit distance between the stamp and now, modulo 2^32.
  auto delta = static_cast<std::int32_t>(static_cast<std::uint32_t>(sec) - static_cast<std::uint32_t>(now_sec));
  std::int64_t full = static_cast<std::int64_t>(now_sec) + delta;
  return WireTime(std::chrono::duration_cast<WireClock::duration>(std::chrono::seconds(full) +
                                                                  std::chrono::microseconds(usec)));
}

std::optional<CapturedIpPacket> next_ip_packet(BpfRecordWalker& walker, LinkType link) {
  while (auto record = walker.next()) {
    if (auto ip = strip_link_header(record->frame, link)) return CapturedIpPacket{*ip, *record};
  }
  return std::nullopt;
}

BpfBatchSummary walk_bpf_batch(std::span<const std::uint8_t> batch, LinkType link) {
  BpfBatchSummary summary;
  BpfRecordWalker walker(batch);
  while (auto record = walker.next()) {
    ++summary.records;
    if (auto ip = strip_link_header(record->frame, link)) {
      ++summary.ip_packets;
      summary.ip_bytes += ip->ip.size();
    }
  }
  summary.malformed = walker.problem() != nullptr;
  return summary;
}

}  // namespace ddtr::platform::darwin
