// Crafted macOS capture data for the darwin tests: link-layer frames as a
// /dev/bpf device shows them per DLT, and read(2) batches laid out exactly as
// XNU's catchpacket() writes them (bsd/net/bpf.c): each record starts at
// BPF_WORDALIGN of the previous end, its header is bh_hdrlen =
// BPF_WORDALIGN(linkhdr + SIZEOF_BPF_HDR) - linkhdr bytes (18 on Ethernet, 20
// on DLT_NULL and DLT_RAW), and the last record is not padded.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "platform/darwin/bpf_records.hpp"
#include "platform/darwin/link_layer.hpp"

namespace ddtr::platform::darwin::crafted {

// Sized once and filled in place: vector::insert after a short initializer
// list trips GCC 12's -Warray-bounds false positive at -O3.
inline std::vector<std::uint8_t> ethernet_frame(std::uint16_t ethertype, std::span<const std::uint8_t> payload) {
  std::vector<std::uint8_t> f(kEthernetHeader + payload.size(), 0);
  f[0] = f[6] = 0x02;  // locally administered MACs 02:00:00:00:00:01 and :02
  f[5] = 1;
  f[11] = 2;
  f[12] = static_cast<std::uint8_t>(ethertype >> 8);
  f[13] = static_cast<std::uint8_t>(ethertype);
  std::copy(payload.begin(), payload.end(), f.begin() + kEthernetHeader);
  return f;
}

// DLT_NULL / DLT_LOOP: the family word in host order (what lo0 writes on a
// little-endian Mac, and on this little-endian test host) or network order.
inline std::vector<std::uint8_t> family_frame(std::uint32_t family, bool network_order,
                                              std::span<const std::uint8_t> payload) {
  std::vector<std::uint8_t> f(kFamilyHeader + payload.size(), 0);
  if (network_order) {
    f[0] = static_cast<std::uint8_t>(family >> 24), f[1] = static_cast<std::uint8_t>(family >> 16);
    f[2] = static_cast<std::uint8_t>(family >> 8), f[3] = static_cast<std::uint8_t>(family);
  } else {
    std::memcpy(f.data(), &family, sizeof family);
  }
  std::copy(payload.begin(), payload.end(), f.begin() + kFamilyHeader);
  return f;
}

// The frame a device on `link` shows for an IP packet (`ipv6` says which).
inline std::vector<std::uint8_t> frame_for(LinkType link, std::span<const std::uint8_t> ip, bool ipv6,
                                           bool network_order = false) {
  switch (link) {
    case LinkType::Ethernet: return ethernet_frame(ipv6 ? kEtherTypeIpv6 : kEtherTypeIpv4, ip);
    case LinkType::Family: return family_frame(ipv6 ? kDarwinAfInet6 : kDarwinAfInet, network_order, ip);
    case LinkType::Raw: return {ip.begin(), ip.end()};
  }
  return {};
}

inline std::uint16_t kernel_hdrlen(LinkType link) {
  std::size_t linkhdr = link_header_size(link);
  return static_cast<std::uint16_t>(bpf_wordalign(linkhdr + kBpfHeaderFields) - linkhdr);
}

struct RecordFields {
  std::int32_t sec = 1'700'000'000;
  std::int32_t usec = 123'456;
  std::uint32_t caplen = 0;   // written as given, even if it lies
  std::uint32_t datalen = 0;
  std::uint16_t hdrlen = 18;
};

class BatchBuilder {
 public:
  // A record as the kernel writes it: `frame` captured whole unless `datalen`
  // says the wire packet was longer.
  BatchBuilder& add(std::span<const std::uint8_t> frame, LinkType link, std::uint32_t datalen = 0) {
    RecordFields f;
    f.caplen = static_cast<std::uint32_t>(frame.size());
    f.datalen = datalen ? datalen : f.caplen;
    f.hdrlen = kernel_hdrlen(link);
    return add_raw(f, frame);
  }

  // Any header, true or not, followed by `data`.
  BatchBuilder& add_raw(const RecordFields& f, std::span<const std::uint8_t> data) {
    bytes_.resize(bpf_wordalign(bytes_.size()), 0);
    std::size_t at = bytes_.size();
    bytes_.resize(at + std::max<std::size_t>(f.hdrlen, kBpfHeaderFields), 0);
    put(at + kBpfTstampSecOffset, f.sec);
    put(at + kBpfTstampUsecOffset, f.usec);
    put(at + kBpfCaplenOffset, f.caplen);
    put(at + kBpfDatalenOffset, f.datalen);
    put(at + kBpfHdrlenOffset, f.hdrlen);
    bytes_.insert(bytes_.end(), data.begin(), data.end());
    return *this;
  }

  BatchBuilder& pad_to_alignment() {
    bytes_.resize(bpf_wordalign(bytes_.size()), 0);
    return *this;
  }

  const std::vector<std::uint8_t>& bytes() const { return bytes_; }

 private:
  template <typename T>
  void put(std::size_t at, T value) {
    std::memcpy(bytes_.data() + at, &value, sizeof value);  // host order, as the kernel
  }
  std::vector<std::uint8_t> bytes_;
};

}  // namespace ddtr::platform::darwin::crafted
