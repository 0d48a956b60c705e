#include "platform/darwin/bpf_programs.hpp"

#include <array>
#include <optional>

#include "shared/common/error.hpp"

namespace ddtr::platform::darwin {
namespace {

// A tiny assembler with symbolic labels: jumps name a label and are resolved
// to relative offsets at the end, so a program reads top to bottom.
class Assembler {
 public:
  enum Label { Ipv4, Ipv6, Tcp4, Tcp6, Ports, Accept, Drop, LabelCount };
  static constexpr int kNext = -1;  // a jump target: the next instruction

  void emit(std::uint16_t code, std::uint32_t k) { code_.push_back({code, 0, 0, k}); }
  void load(std::uint16_t size, std::uint16_t mode, std::uint32_t k) { emit(op::kLd | size | mode, k); }
  void ret(std::uint32_t k) { emit(op::kRet | op::kK, k); }
  // if (A <cmp> k) goto yes else goto no.
  void jump_if(std::uint16_t cmp, std::uint32_t k, int yes, int no) {
    fixups_.push_back({code_.size(), yes, no, false});
    emit(op::kJmp | cmp | op::kK, k);
  }
  void jump(Label to) {
    fixups_.push_back({code_.size(), to, kNext, true});
    emit(op::kJmp | op::kJa, 0);
  }
  void label(Label l) { labels_[l] = code_.size(); }

  std::vector<BpfInsn> finish() {
    for (const auto& f : fixups_) {
      if (f.always) {
        code_[f.at].k = offset(f.at, f.yes, 0xffffffffu);
      } else {
        code_[f.at].jt = static_cast<std::uint8_t>(offset(f.at, f.yes, 255));
        code_[f.at].jf = static_cast<std::uint8_t>(offset(f.at, f.no, 255));
      }
    }
    return code_;
  }

 private:
  struct Fixup {
    std::size_t at;
    int yes, no;
    bool always;
  };
  std::uint32_t offset(std::size_t at, int target, std::uint32_t limit) const {
    if (target == kNext) return 0;
    const auto& where = labels_[static_cast<std::size_t>(target)];
    // Classic BPF only jumps forward; bpf_validate() checks the same.
    if (!where || *where <= at || *where - at - 1 > limit) throw Error(ErrorCode::Unknown, "BPF program: bad jump");
    return static_cast<std::uint32_t>(*where - at - 1);
  }
  std::vector<BpfInsn> code_;
  std::vector<Fixup> fixups_;
  std::array<std::optional<std::size_t>, LabelCount> labels_{};
};

using A = Assembler;

// From the frame's first byte to Ipv4, Ipv6 or Drop.
void link_dispatch(A& a, LinkType link) {
  switch (link) {
    case LinkType::Ethernet:
      a.load(op::kH, op::kAbs, 12);  // EtherType
      a.jump_if(op::kJeq, kEtherTypeIpv4, A::Ipv4, A::kNext);
      a.jump_if(op::kJeq, kEtherTypeIpv6, A::Ipv6, A::Drop);
      break;
    case LinkType::Family:
      // `ld` reads big-endian; lo0 writes the family in host (little-endian)
      // order and DLT_LOOP in network order: accept both.
      a.load(op::kW, op::kAbs, 0);
      a.jump_if(op::kJeq, kDarwinAfInet, A::Ipv4, A::kNext);
      a.jump_if(op::kJeq, byte_swap32(kDarwinAfInet), A::Ipv4, A::kNext);
      a.jump_if(op::kJeq, kDarwinAfInet6, A::Ipv6, A::kNext);
      a.jump_if(op::kJeq, byte_swap32(kDarwinAfInet6), A::Ipv6, A::Drop);
      break;
    case LinkType::Raw:
      a.load(op::kB, op::kAbs, 0);
      a.emit(op::kAlu | op::kAnd | op::kK, 0xf0);  // IP version nibble
      a.jump_if(op::kJeq, 0x40, A::Ipv4, A::kNext);
      a.jump_if(op::kJeq, 0x60, A::Ipv6, A::Drop);
      break;
  }
}

// Accepts ICMPv4 and ICMPv6 (directly, or after one fragment header), and UDP
// too when `udp`; TCP continues at Tcp4/Tcp6 when `tcp`; the rest drops. `ip`
// is the IP header's offset in the frame.
void transport_dispatch(A& a, std::uint32_t ip, bool udp, bool tcp) {
  a.label(A::Ipv4);
  a.load(op::kB, op::kAbs, ip + 9);  // IPv4 protocol
  a.jump_if(op::kJeq, 1, A::Accept, A::kNext);
  if (udp) a.jump_if(op::kJeq, 17, A::Accept, A::kNext);
  if (tcp) {
    a.jump_if(op::kJeq, 6, A::Tcp4, A::Drop);
  } else {
    a.ret(kDrop);
  }
  a.label(A::Ipv6);
  a.load(op::kB, op::kAbs, ip + 6);  // IPv6 next header
  a.jump_if(op::kJeq, 58, A::Accept, A::kNext);
  if (udp) a.jump_if(op::kJeq, 17, A::Accept, A::kNext);
  if (tcp) a.jump_if(op::kJeq, 6, A::Tcp6, A::kNext);
  a.jump_if(op::kJeq, 44, A::kNext, A::Drop);
  a.load(op::kB, op::kAbs, ip + 40);  // next header inside the fragment header
  a.jump_if(op::kJeq, 58, A::Accept, A::Drop);
}

std::uint32_t v6_word(const IpAddress& a, int i) {
  auto b = a.to_v6().to_bytes();
  auto at = static_cast<std::size_t>(i) * 4;
  return (static_cast<std::uint32_t>(b[at]) << 24) | (static_cast<std::uint32_t>(b[at + 1]) << 16) |
         (static_cast<std::uint32_t>(b[at + 2]) << 8) | b[at + 3];
}

bool family_mismatch(const std::optional<Endpoint>& src, const std::optional<Endpoint>& dst, bool v6) {
  return (src && src->address.is_v6() != v6) || (dst && dst->address.is_v6() != v6);
}

// TCP from `src` (remote) to `dst` (local) when given; SYN+ACK only when `synack`.
void tcp_checks(A& a, std::uint32_t ip, const std::optional<Endpoint>& src, const std::optional<Endpoint>& dst,
                bool synack) {
  // IPv4: addresses, no non-first fragments, X = header length, then ports.
  a.label(A::Tcp4);
  if (family_mismatch(src, dst, false)) {
    a.ret(kDrop);  // an IPv6 tuple never matches IPv4
  } else {
    if (src) {
      a.load(op::kW, op::kAbs, ip + 12);
      a.jump_if(op::kJeq, src->address.to_v4().to_uint(), A::kNext, A::Drop);
    }
    if (dst) {
      a.load(op::kW, op::kAbs, ip + 16);
      a.jump_if(op::kJeq, dst->address.to_v4().to_uint(), A::kNext, A::Drop);
    }
    a.load(op::kH, op::kAbs, ip + 6);
    a.jump_if(op::kJset, 0x1fff, A::Drop, A::kNext);
    a.emit(op::kLdx | op::kB | op::kMsh, ip);  // X = 4 * IHL
    a.jump(A::Ports);
  }
  // IPv6: TCP directly after the fixed header; X = 40.
  a.label(A::Tcp6);
  if (family_mismatch(src, dst, true)) {
    a.ret(kDrop);
  } else {
    for (int i = 0; i < 4; ++i) {
      auto word = static_cast<std::uint32_t>(i) * 4;
      if (src) {
        a.load(op::kW, op::kAbs, ip + 8 + word);
        a.jump_if(op::kJeq, v6_word(src->address, i), A::kNext, A::Drop);
      }
      if (dst) {
        a.load(op::kW, op::kAbs, ip + 24 + word);
        a.jump_if(op::kJeq, v6_word(dst->address, i), A::kNext, A::Drop);
      }
    }
    a.emit(op::kLdx | op::kW | op::kImm, 40);
  }
  a.label(A::Ports);
  if (src) {
    a.load(op::kH, op::kInd, ip + 0);
    a.jump_if(op::kJeq, src->port, A::kNext, A::Drop);
  }
  if (dst) {
    a.load(op::kH, op::kInd, ip + 2);
    a.jump_if(op::kJeq, dst->port, A::kNext, A::Drop);
  }
  if (synack) {
    a.load(op::kB, op::kInd, ip + 13);  // TCP flags
    a.jump_if(op::kJset, 0x02, A::kNext, A::Drop);
    a.jump_if(op::kJset, 0x10, A::Accept, A::Drop);
  } else {
    a.ret(kAccept);
  }
}

}  // namespace

std::vector<BpfInsn> build_bpf_program(const PacketFilterSpec& spec, LinkType link) {
  if (spec.type == FilterType::None) return {{op::kRet | op::kK, 0, 0, kAccept}};
  auto ip = static_cast<std::uint32_t>(link_header_size(link));
  A a;
  link_dispatch(a, link);
  switch (spec.type) {
    case FilterType::None:
      break;
    case FilterType::Icmp:
      transport_dispatch(a, ip, false, false);
      break;
    case FilterType::Udp:
      transport_dispatch(a, ip, true, false);
      break;
    case FilterType::Tcp:
      if (!spec.src || !spec.dst) throw Error(ErrorCode::Unknown, "TCP filter needs both src and dst");
      transport_dispatch(a, ip, false, true);
      tcp_checks(a, ip, spec.src, spec.dst, false);
      break;
    case FilterType::SynAck:
      transport_dispatch(a, ip, false, true);
      tcp_checks(a, ip, spec.src, std::nullopt, true);
      break;
  }
  a.label(A::Accept);
  a.ret(kAccept);
  a.label(A::Drop);
  a.ret(kDrop);
  return a.finish();
}

}  // namespace ddtr::platform::darwin
