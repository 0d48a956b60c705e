// Classic BPF programs for the macOS /dev/bpf source, one per
// PacketFilterSpec and link type. Unlike Linux's SOCK_DGRAM packet socket
// (programs start at the IP header and read the protocol with SKF_AD_PROTOCOL,
// which BSD has not), a BSD device runs the program on the whole frame: it
// first checks the link header (EtherType, address family or IP version)
// and then reads the IP and TCP fields at the link header's offset. Same
// acceptance as platform/linux/cbpf_filters: a performance hint, every probe
// strategy re-checks in user space. Plain functions, no macOS header: built and
// tested on Linux with the reference interpreter.
#pragma once

#include <cstdint>
#include <vector>

#include "platform/darwin/link_layer.hpp"
#include "platform/packets.hpp"

namespace ddtr::platform::darwin {

// `struct bpf_insn` of <net/bpf.h> (u_short code; u_char jt; u_char jf;
// bpf_u_int32 k), which is also Linux's `struct sock_filter`.
struct BpfInsn {
  std::uint16_t code;
  std::uint8_t jt;
  std::uint8_t jf;
  std::uint32_t k;
};

// The classic BPF encoding: the BPF_* macros of <net/bpf.h>, identical in
// Linux's <linux/bpf_common.h>. bpf_device.cpp (macOS) and the tests (Linux)
// check these against the system headers at compile time.
namespace op {
inline constexpr std::uint16_t kLd = 0x00, kLdx = 0x01, kJmp = 0x05, kRet = 0x06, kAlu = 0x04;  // classes
inline constexpr std::uint16_t kW = 0x00, kH = 0x08, kB = 0x10;                              // sizes
inline constexpr std::uint16_t kImm = 0x00, kAbs = 0x20, kInd = 0x40, kMsh = 0xa0;           // modes
inline constexpr std::uint16_t kJa = 0x00, kJeq = 0x10, kJge = 0x30, kJset = 0x40;            // jumps
inline constexpr std::uint16_t kAnd = 0x50;                                                   // ALU op
inline constexpr std::uint16_t kK = 0x00;                                                     // source
}  // namespace op

// <net/bpf.h> BPF_MAXINSNS: bpf_validate() refuses longer programs.
inline constexpr std::size_t kBsdMaxInstructions = 512;

inline constexpr std::uint32_t kAccept = 0x40000;  // snap length, as upstream's (and our Linux) programs
inline constexpr std::uint32_t kDrop = 0;

// None -> a one-instruction accept-all program (BIOCSETF then replaces any
// earlier filter). Tcp needs src and dst.
std::vector<BpfInsn> build_bpf_program(const PacketFilterSpec& spec, LinkType link);

}  // namespace ddtr::platform::darwin
