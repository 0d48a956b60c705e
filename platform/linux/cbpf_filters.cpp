#include "platform/linux/cbpf_filters.hpp"

#include <cstdint>

#include "shared/common/error.hpp"

namespace ddtr::platform::linux_ {
namespace {

constexpr std::uint32_t kEthIpv4 = 0x0800;
constexpr std::uint32_t kEthIpv6 = 0x86dd;

// A tiny assembler with symbolic labels: jumps name a label and are resolved
// to relative offsets at the end, so programs read top to bottom.
class Program {
 public:
  enum Label { Accept, Drop, V6, Tcp4, Tcp6, Tcp4Ports, Tcp6Ports, TcpFlags, LabelCount };

  void op(std::uint16_t code, std::uint32_t k) { code_.push_back({code, 0, 0, k}); }
  // Conditional jump: if (A <cmp> k) goto yes else goto no; a label of -1 falls through.
  void jump(std::uint16_t cmp, std::uint32_t k, int yes, int no) {
    fixups_.push_back({code_.size(), yes, no});
    code_.push_back({static_cast<std::uint16_t>(BPF_JMP | cmp | BPF_K), 0, 0, k});
  }
  void label(Label l) { labels_[l] = code_.size(); }
  void ret(std::uint32_t k) { op(BPF_RET | BPF_K, k); }

  std::vector<sock_filter> finish() {
    for (const auto& f : fixups_) {
      code_[f.at].jt = offset(f.at, f.yes);
      code_[f.at].jf = offset(f.at, f.no);
    }
    return code_;
  }

 private:
  struct Fixup {
    std::size_t at;
    int yes, no;
  };
  std::uint8_t offset(std::size_t at, int label) const {
    if (label < 0) return 0;
    std::size_t target = labels_[label];
    if (target <= at || target - at - 1 > 255) throw Error(ErrorCode::Unknown, "cBPF program: bad jump");
    return static_cast<std::uint8_t>(target - at - 1);
  }
  std::vector<sock_filter> code_;
  std::vector<Fixup> fixups_;
  std::size_t labels_[LabelCount] = {};
};

constexpr int kNext = -1;

void load_protocol(Program& p) { p.op(BPF_LD | BPF_H | BPF_ABS, SKF_AD_OFF + SKF_AD_PROTOCOL); }

// Accepts ICMPv4 and ICMPv6 (directly, or after one fragment header), and UDP
// too when `udp`; TCP continues at the Tcp4/Tcp6 labels when `tcp`; the rest drops.
void transport_dispatch(Program& p, bool udp, bool tcp) {
  load_protocol(p);
  p.jump(BPF_JEQ, kEthIpv4, kNext, Program::V6);
  p.op(BPF_LD | BPF_B | BPF_ABS, 9);  // IPv4 protocol
  p.jump(BPF_JEQ, 1, Program::Accept, kNext);
  if (udp) p.jump(BPF_JEQ, 17, Program::Accept, kNext);
  if (tcp) {
    p.jump(BPF_JEQ, 6, Program::Tcp4, Program::Drop);
  } else {
    p.ret(kDrop);
  }
  p.label(Program::V6);
  p.jump(BPF_JEQ, kEthIpv6, kNext, Program::Drop);
  p.op(BPF_LD | BPF_B | BPF_ABS, 6);  // IPv6 next header
  p.jump(BPF_JEQ, 58, Program::Accept, kNext);
  if (udp) p.jump(BPF_JEQ, 17, Program::Accept, kNext);
  if (tcp) p.jump(BPF_JEQ, 6, Program::Tcp6, kNext);
  p.jump(BPF_JEQ, 44, kNext, Program::Drop);
  p.op(BPF_LD | BPF_B | BPF_ABS, 40);  // next header inside the fragment header
  p.jump(BPF_JEQ, 58, Program::Accept, Program::Drop);
}

std::uint32_t v4_word(const IpAddress& a) { return a.to_v4().to_uint(); }

std::uint32_t v6_word(const IpAddress& a, int i) {
  auto b = a.to_v6().to_bytes();
  return (static_cast<std::uint32_t>(b[i * 4]) << 24) | (static_cast<std::uint32_t>(b[i * 4 + 1]) << 16) |
         (static_cast<std::uint32_t>(b[i * 4 + 2]) << 8) | b[i * 4 + 3];
}

// TCP from `src` (remote) to `dst` (local) when given; SYN+ACK only when `synack`.
void tcp_checks(Program& p, const std::optional<Endpoint>& src, const std::optional<Endpoint>& dst, bool synack) {
  // IPv4: addresses, no non-first fragments, X = header length, then ports.
  p.label(Program::Tcp4);
  if (src && src->address.is_v4()) {
    p.op(BPF_LD | BPF_W | BPF_ABS, 12);
    p.jump(BPF_JEQ, v4_word(src->address), kNext, Program::Drop);
  }
  if (dst && dst->address.is_v4()) {
    p.op(BPF_LD | BPF_W | BPF_ABS, 16);
    p.jump(BPF_JEQ, v4_word(dst->address), kNext, Program::Drop);
  }
  if ((src && !src->address.is_v4()) || (dst && !dst->address.is_v4())) p.ret(kDrop);
  p.op(BPF_LD | BPF_H | BPF_ABS, 6);
  p.jump(BPF_JSET, 0x1fff, Program::Drop, kNext);
  p.op(BPF_LDX | BPF_B | BPF_MSH, 0);  // X = 4 * (IHL)
  p.jump(BPF_JGE, 0, Program::Tcp4Ports, Program::Tcp4Ports);  // always true: BPF_JA takes k, not labels
  // IPv6: TCP directly after the fixed header; X = 40.
  p.label(Program::Tcp6);
  for (int i = 0; i < 4; ++i) {
    if (src && src->address.is_v6()) {
      p.op(BPF_LD | BPF_W | BPF_ABS, 8 + 4 * i);
      p.jump(BPF_JEQ, v6_word(src->address, i), kNext, Program::Drop);
    }
    if (dst && dst->address.is_v6()) {
      p.op(BPF_LD | BPF_W | BPF_ABS, 24 + 4 * i);
      p.jump(BPF_JEQ, v6_word(dst->address, i), kNext, Program::Drop);
    }
  }
  if ((src && !src->address.is_v6()) || (dst && !dst->address.is_v6())) p.ret(kDrop);
  p.op(BPF_LDX | BPF_IMM, 40);
  p.label(Program::Tcp4Ports);
  p.label(Program::Tcp6Ports);
  if (src) {
    p.op(BPF_LD | BPF_H | BPF_IND, 0);
    p.jump(BPF_JEQ, src->port, kNext, Program::Drop);
  }
  if (dst) {
    p.op(BPF_LD | BPF_H | BPF_IND, 2);
    p.jump(BPF_JEQ, dst->port, kNext, Program::Drop);
  }
  if (synack) {
    p.op(BPF_LD | BPF_B | BPF_IND, 13);  // TCP flags
    p.jump(BPF_JSET, 0x02, kNext, Program::Drop);
    p.jump(BPF_JSET, 0x10, Program::Accept, Program::Drop);
  } else {
    p.ret(kAccept);
  }
}

// TCP that answers a SYN: SYN+ACK, or RST (with or without ACK). X = the TCP
// header's offset; IPv4 non-first fragments carry no TCP header.
void tcp_reply_flags(Program& p) {
  p.label(Program::Tcp4);
  p.op(BPF_LD | BPF_H | BPF_ABS, 6);
  p.jump(BPF_JSET, 0x1fff, Program::Drop, kNext);
  p.op(BPF_LDX | BPF_B | BPF_MSH, 0);  // X = 4 * (IHL)
  p.jump(BPF_JGE, 0, Program::TcpFlags, Program::TcpFlags);  // always true, as above
  p.label(Program::Tcp6);
  p.op(BPF_LDX | BPF_IMM, 40);
  p.label(Program::TcpFlags);
  p.op(BPF_LD | BPF_B | BPF_IND, 13);
  p.jump(BPF_JSET, 0x04, Program::Accept, kNext);  // RST
  p.jump(BPF_JSET, 0x02, kNext, Program::Drop);    // SYN ...
  p.jump(BPF_JSET, 0x10, Program::Accept, Program::Drop);  // ... and ACK
}

}  // namespace

std::vector<sock_filter> build_reply_capture_program() {
  Program p;
  transport_dispatch(p, false, true);
  tcp_reply_flags(p);
  p.label(Program::Accept);
  p.ret(kAccept);
  p.label(Program::Drop);
  p.ret(kDrop);
  return p.finish();
}

std::vector<sock_filter> drop_all_program() { return {{BPF_RET | BPF_K, 0, 0, kDrop}}; }

std::vector<sock_filter> build_cbpf_program(const PacketFilterSpec& spec) {
  Program p;
  switch (spec.type) {
    case FilterType::None:
      return {};
    case FilterType::Icmp:
      transport_dispatch(p, false, false);
      break;
    case FilterType::Udp:
      transport_dispatch(p, true, false);
      break;
    case FilterType::Tcp:
      if (!spec.src || !spec.dst) throw Error(ErrorCode::Unknown, "TCP filter needs both src and dst");
      transport_dispatch(p, false, true);
      tcp_checks(p, spec.src, spec.dst, false);
      break;
    case FilterType::SynAck:
      transport_dispatch(p, false, true);
      tcp_checks(p, spec.src, std::nullopt, true);
      break;
  }
  p.label(Program::Accept);
  p.ret(kAccept);
  p.label(Program::Drop);
  p.ret(kDrop);
  return p.finish();
}

}  // namespace ddtr::platform::linux_
