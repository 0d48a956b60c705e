// macOS only. Every ioctl and constant is named with its header.
#include "platform/darwin/bpf_device.hpp"

#include <fcntl.h>      // open, O_RDONLY, O_NONBLOCK, O_CLOEXEC
#include <net/if.h>     // struct ifreq, IFNAMSIZ
#include <sys/ioctl.h>  // ioctl
#include <sys/socket.h>  // AF_INET, AF_INET6
#include <unistd.h>     // read

#include <cerrno>
#include <cstddef>
#include <cstring>

#include "platform/darwin/bpf_abi.hpp"  // BIOC*, bpf_insn, bpf_program (restated: no <net/bpf.h> in Zig)
#include "platform/darwin/bpf_records.hpp"
#include "shared/common/error.hpp"

namespace ddtr::platform::darwin {

// The plain files restate these values so that they build and are tested on
// Linux; here the compiler holds them to the real headers, when there are
// (Apple's SDK; the Zig toolchain has no <net/bpf.h>, see bpf_abi.hpp).
#if __has_include(<net/bpf.h>)
static_assert(BPF_LD == op::kLd && BPF_LDX == op::kLdx && BPF_JMP == op::kJmp && BPF_RET == op::kRet &&
              BPF_ALU == op::kAlu);
static_assert(BPF_W == op::kW && BPF_H == op::kH && BPF_B == op::kB);
static_assert(BPF_IMM == op::kImm && BPF_ABS == op::kAbs && BPF_IND == op::kInd && BPF_MSH == op::kMsh);
static_assert(BPF_JA == op::kJa && BPF_JEQ == op::kJeq && BPF_JGE == op::kJge && BPF_JSET == op::kJset);
static_assert(BPF_AND == op::kAnd && BPF_K == op::kK);
static_assert(static_cast<std::size_t>(BPF_MAXINSNS) == kBsdMaxInstructions);
static_assert(sizeof(struct bpf_insn) == sizeof(BpfInsn) && offsetof(struct bpf_insn, k) == offsetof(BpfInsn, k));
static_assert(BPF_ALIGNMENT == kBpfAlignment);
static_assert(offsetof(struct bpf_hdr, bh_tstamp) == kBpfTstampSecOffset && sizeof(bpf_hdr::bh_tstamp) == 8);
static_assert(offsetof(struct bpf_hdr, bh_caplen) == kBpfCaplenOffset);
static_assert(offsetof(struct bpf_hdr, bh_datalen) == kBpfDatalenOffset);
static_assert(offsetof(struct bpf_hdr, bh_hdrlen) == kBpfHdrlenOffset);
static_assert(static_cast<std::uint32_t>(DLT_NULL) == kDltNull && static_cast<std::uint32_t>(DLT_EN10MB) == kDltEn10mb);
static_assert(static_cast<std::uint32_t>(DLT_RAW) == kDltRaw && static_cast<std::uint32_t>(DLT_LOOP) == kDltLoop);
#endif
static_assert(sizeof(bpf_abi::Insn) == sizeof(BpfInsn) && offsetof(bpf_abi::Insn, k) == offsetof(BpfInsn, k));
static_assert(static_cast<std::uint32_t>(AF_INET) == kDarwinAfInet &&
              static_cast<std::uint32_t>(AF_INET6) == kDarwinAfInet6);

namespace {

// bsd/net/bpf.c BPF_MAX_DEVICES: the kernel creates /dev/bpfN on demand up to this.
constexpr int kMaxBpfDevices = 256;

// The kernel's own model (bpfopen's comment): loop on the minor from 0 while
// open returns EBUSY; any other error ends the search.
BpfDevice open_first_free() {
  for (int i = 0; i < kMaxBpfDevices; ++i) {
    std::string path = "/dev/bpf" + std::to_string(i);
    // Read-only: we never write frames to the device (the sink is a raw
    // socket), so BIOCSHDRCMPLT, which only governs write(2), is not set.
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    if (fd.valid()) return BpfDevice{std::move(fd), path, {}, LinkType::Ethernet, 0};
    if (errno == EBUSY) continue;
    throw_errno("pickBpfDevice failed to open " + path, errno);
  }
  throw Error(ErrorCode::Unknown, "pickBpfDevice tried all 256 bpf devices, were all busy");
}

void ioctl_or_throw(int fd, unsigned long request, void* argument, const std::string& what) {
  if (::ioctl(fd, request, argument) != 0) throw_errno(what, errno);
}

}  // namespace

BpfDevice open_bpf_device(const std::string& interface) {
  if (interface.empty() || interface.size() >= IFNAMSIZ) {
    throw Error(ErrorCode::Unknown, "NewBpfDevice: bad interface name \"" + interface + "\"");
  }
  BpfDevice device = open_first_free();
  int fd = device.fd.get();
  // BIOCSBLEN (u_int, in and out): only before BIOCSETIF; the kernel clamps the
  // size silently and writes back what it took.
  u_int size = kBpfBufferRequest;
  ioctl_or_throw(fd, bpf_abi::kBiocSBlen, &size, "NewBpfDevice failed to SetBpfBuflen");
  // BIOCSETIF (struct ifreq): attach to the interface; allocates the buffers.
  ifreq request{};
  std::memcpy(request.ifr_name, interface.c_str(), interface.size() + 1);
  ioctl_or_throw(fd, bpf_abi::kBiocSetIf, &request, "NewBpfDevice failed to SetBpfInterface " + interface);
  // BIOCIMMEDIATE (u_int): a read returns as soon as one packet is buffered
  // instead of when the buffer fills; kqueue reports readable on the same rule.
  u_int one = 1;
  ioctl_or_throw(fd, bpf_abi::kBiocImmediate, &one, "NewBpfDevice failed to SetBpfImmediate");
  // Not set, on purpose: BIOCSSEESENT 0 would hide our own probes, but lo0
  // taps packets only on output (bsd/net/if_loop.c, LO_BPF_TAP_OUT), so it
  // would also hide every reply on loopback. Strategies ignore our probes.
  // BIOCGDLT (u_int): the link header in front of every packet.
  u_int dlt = 0;
  ioctl_or_throw(fd, bpf_abi::kBiocGDlt, &dlt, "NewBpfDevice failed to GetBpfDLT");
  auto link = link_type_from_dlt(dlt);
  if (!link) {
    throw Error(ErrorCode::Unknown, "NewBpfDevice: interface " + interface + " has data-link type " +
                                        std::to_string(dlt) + ", which this capture cannot parse");
  }
  // BIOCGBLEN (u_int): read(2) fails with EINVAL unless asked for exactly this.
  u_int length = 0;
  ioctl_or_throw(fd, bpf_abi::kBiocGBlen, &length, "NewBpfDevice failed to GetBpfBuflen");
  device.interface = interface;
  device.link = *link;
  device.buffer_size = length;
  return device;
}

void set_bpf_filter(int fd, const std::vector<BpfInsn>& program) {
  if (program.empty() || program.size() > kBsdMaxInstructions) throw Error(ErrorCode::Unknown, "filter too large");
  std::vector<bpf_abi::Insn> code(program.size());
  for (std::size_t i = 0; i < program.size(); ++i) {
    code[i] = bpf_abi::Insn{program[i].code, program[i].jt, program[i].jf, program[i].k};
  }
  // BIOCSETF (struct bpf_program): bpf_setf() validates the program, swaps it
  // in and resets the store and hold buffers (reset_d): packets that passed
  // the old filter are gone, so no drop-all-and-drain dance as on Linux.
  bpf_abi::Program fprog{static_cast<u_int>(code.size()), code.data()};
  ioctl_or_throw(fd, bpf_abi::kBiocSetF, &fprog, "SetBPF failed to attach filter");
}

std::size_t read_bpf_batch(int fd, std::span<std::uint8_t> buffer) {
  for (;;) {
    ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
    if (errno == ENXIO) throw_errno("readPackets failed to Read: the capture interface went away", errno);
    throw_errno("readPackets failed to Read", errno);
  }
}

}  // namespace ddtr::platform::darwin
