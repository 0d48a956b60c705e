// Classic BPF programs for the AF_PACKET source, one per PacketFilterSpec.
// The socket is SOCK_DGRAM, so the kernel runs them on data that starts at the
// IP header (offset 0), and the link-layer protocol is read with the ancillary
// load SKF_AD_PROTOCOL: the same program works on every link type. Pure
// functions, tested with a reference interpreter and the kernel's verifier.
#pragma once

#include <linux/filter.h>

#include <vector>

#include "platform/packets.hpp"

namespace ddtr::platform::linux_ {

inline constexpr std::uint32_t kAccept = 0x40000;  // snap length, as upstream's programs
inline constexpr std::uint32_t kDrop = 0;

// None -> empty program (the caller detaches instead). Tcp needs src and dst.
// SynAck checks src only: the sack channel sets it before its local port is bound.
std::vector<sock_filter> build_cbpf_program(const PacketFilterSpec& spec);

std::vector<sock_filter> drop_all_program();

// The daemon-wide reply capture (every run's replies on one socket): ICMP and
// ICMPv6 (also after one fragment header), and TCP segments with SYN+ACK or
// RST set, from anyone to anyone. Not all TCP: a busy host's data traffic
// must not be copied to the daemon. Addresses and ports are the demux's job.
std::vector<sock_filter> build_reply_capture_program();

}  // namespace ddtr::platform::linux_
