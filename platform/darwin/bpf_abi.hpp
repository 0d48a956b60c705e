// A RESTATEMENT of the few parts of macOS's <net/bpf.h> that bpf_device.cpp
// uses: the ioctl requests, `struct bpf_insn` and `struct bpf_program`.
// The Zig toolchain that cross-builds this project (scripts/macos) carries
// macOS's libc headers but not <net/bpf.h>, so the values are written here,
// from XNU (apple-oss-distributions/xnu, bsd/net/bpf.h), in the same _IO*
// form as the header. Nothing is silently trusted: when the real header
// exists (a build with Apple's SDK), every value and layout below is
// static_assert'ed against it, and the BPF opcodes, bpf_hdr offsets and DLT
// numbers the plain files restate are checked against it in bpf_device.cpp.
// Keep this the only restatement of <net/bpf.h>'s ioctls.
#pragma once

#include <sys/ioccom.h>  // _IOR, _IOW, _IOWR (BSD)
#include <sys/types.h>   // u_int, u_short, u_char

#include <cstddef>

struct ifreq;
struct timeval;

namespace ddtr::platform::darwin::bpf_abi {

// struct bpf_insn (user space): u_short code; u_char jt; u_char jf; bpf_u_int32 k.
struct Insn {
  u_short code;
  u_char jt;
  u_char jf;
  u_int k;
};
// struct bpf_program (user space): u_int bf_len; struct bpf_insn *bf_insns.
struct Program {
  u_int bf_len;
  Insn* bf_insns;
};

inline constexpr unsigned long kBiocGBlen = _IOR('B', 102, u_int);
inline constexpr unsigned long kBiocSBlen = _IOWR('B', 102, u_int);
inline constexpr unsigned long kBiocSetF = _IOW('B', 103, Program);
inline constexpr unsigned long kBiocGDlt = _IOR('B', 106, u_int);
inline constexpr unsigned long kBiocSetIf = _IOW('B', 108, char[32]);  // struct ifreq: 16-byte name + 16-byte union
inline constexpr unsigned long kBiocImmediate = _IOW('B', 112, u_int);

// The values every LP64 Mac uses (the same on arm64 and x86_64; also what Go's
// x/sys/unix zerrors_darwin_*.go lists): a typo above cannot go unnoticed.
static_assert(sizeof(void*) != 8 || kBiocGBlen == 0x40044266UL);
static_assert(sizeof(void*) != 8 || kBiocSBlen == 0xc0044266UL);
static_assert(sizeof(void*) != 8 || kBiocSetF == 0x80104267UL);
static_assert(sizeof(void*) != 8 || kBiocGDlt == 0x4004426aUL);
static_assert(sizeof(void*) != 8 || kBiocSetIf == 0x8020426cUL);
static_assert(sizeof(void*) != 8 || kBiocImmediate == 0x80044270UL);

}  // namespace ddtr::platform::darwin::bpf_abi

#if __has_include(<net/if.h>)  // Zig has this one: the size BIOCSETIF's number encodes
#include <net/if.h>
static_assert(sizeof(struct ifreq) == 32);
#endif

#if __has_include(<net/bpf.h>)
#include <net/bpf.h>
namespace ddtr::platform::darwin::bpf_abi {
static_assert(kBiocGBlen == BIOCGBLEN && kBiocSBlen == BIOCSBLEN && kBiocSetF == BIOCSETF);
static_assert(kBiocGDlt == BIOCGDLT && kBiocSetIf == BIOCSETIF && kBiocImmediate == BIOCIMMEDIATE);
static_assert(sizeof(Insn) == sizeof(struct bpf_insn) && offsetof(Insn, code) == offsetof(struct bpf_insn, code) &&
              offsetof(Insn, jt) == offsetof(struct bpf_insn, jt) &&
              offsetof(Insn, jf) == offsetof(struct bpf_insn, jf) && offsetof(Insn, k) == offsetof(struct bpf_insn, k));
static_assert(sizeof(Program) == sizeof(struct bpf_program) &&
              offsetof(Program, bf_len) == offsetof(struct bpf_program, bf_len) &&
              offsetof(Program, bf_insns) == offsetof(struct bpf_program, bf_insns));
}  // namespace ddtr::platform::darwin::bpf_abi
#endif
