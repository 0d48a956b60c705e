#include "tests/testutils/cbpf_interpreter.hpp"

#include <stdexcept>

namespace ddtr::testutils {
namespace {

bool load(std::span<const std::uint8_t> p, std::uint32_t at, int size, std::uint32_t& out) {
  if (at > p.size() || p.size() - at < static_cast<std::size_t>(size)) return false;
  out = 0;
  for (int i = 0; i < size; ++i) out = (out << 8) | p[at + i];
  return true;
}

}  // namespace

std::uint32_t run_cbpf(std::span<const sock_filter> program, std::span<const std::uint8_t> packet,
                       std::uint16_t ethertype) {
  std::uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = {};
  for (std::size_t pc = 0; pc < program.size(); ++pc) {
    const sock_filter& in = program[pc];
    auto size_of = [&](std::uint16_t code) { return BPF_SIZE(code) == BPF_W ? 4 : BPF_SIZE(code) == BPF_H ? 2 : 1; };
    switch (BPF_CLASS(in.code)) {
      case BPF_LD:
        if (BPF_MODE(in.code) == BPF_ABS) {
          if (in.k == static_cast<std::uint32_t>(SKF_AD_OFF + SKF_AD_PROTOCOL)) {
            a = ethertype;
          } else if (!load(packet, in.k, size_of(in.code), a)) {
            return 0;
          }
        } else if (BPF_MODE(in.code) == BPF_IND) {
          if (!load(packet, x + in.k, size_of(in.code), a)) return 0;
        } else if (BPF_MODE(in.code) == BPF_IMM) {
          a = in.k;
        } else if (BPF_MODE(in.code) == BPF_LEN) {
          a = static_cast<std::uint32_t>(packet.size());
        } else if (BPF_MODE(in.code) == BPF_MEM) {
          a = mem[in.k % BPF_MEMWORDS];
        } else {
          throw std::invalid_argument("unsupported BPF_LD mode");
        }
        break;
      case BPF_LDX:
        if (BPF_MODE(in.code) == BPF_MSH) {
          std::uint32_t b = 0;
          if (!load(packet, in.k, 1, b)) return 0;
          x = (b & 0x0f) * 4;
        } else if (BPF_MODE(in.code) == BPF_IMM) {
          x = in.k;
        } else if (BPF_MODE(in.code) == BPF_MEM) {
          x = mem[in.k % BPF_MEMWORDS];
        } else if (BPF_MODE(in.code) == BPF_LEN) {
          x = static_cast<std::uint32_t>(packet.size());
        } else {
          throw std::invalid_argument("unsupported BPF_LDX mode");
        }
        break;
      case BPF_ST: mem[in.k % BPF_MEMWORDS] = a; break;
      case BPF_STX: mem[in.k % BPF_MEMWORDS] = x; break;
      case BPF_ALU: {
        std::uint32_t operand = BPF_SRC(in.code) == BPF_X ? x : in.k;
        switch (BPF_OP(in.code)) {
          case BPF_ADD: a += operand; break;
          case BPF_SUB: a -= operand; break;
          case BPF_MUL: a *= operand; break;
          case BPF_DIV: if (operand == 0) return 0; a /= operand; break;
          case BPF_AND: a &= operand; break;
          case BPF_OR: a |= operand; break;
          case BPF_LSH: a <<= (operand & 31); break;
          case BPF_RSH: a >>= (operand & 31); break;
          case BPF_NEG: a = -a; break;
          default: throw std::invalid_argument("unsupported BPF_ALU op");
        }
        break;
      }
      case BPF_JMP: {
        if (BPF_OP(in.code) == BPF_JA) {
          pc += in.k;
          break;
        }
        std::uint32_t operand = BPF_SRC(in.code) == BPF_X ? x : in.k;
        bool taken = false;
        switch (BPF_OP(in.code)) {
          case BPF_JEQ: taken = a == operand; break;
          case BPF_JGT: taken = a > operand; break;
          case BPF_JGE: taken = a >= operand; break;
          case BPF_JSET: taken = (a & operand) != 0; break;
          default: throw std::invalid_argument("unsupported BPF_JMP op");
        }
        pc += taken ? in.jt : in.jf;
        break;
      }
      case BPF_RET: return BPF_RVAL(in.code) == BPF_A ? a : in.k;
      case BPF_MISC:
        if (BPF_MISCOP(in.code) == BPF_TAX) x = a; else a = x;
        break;
      default: throw std::invalid_argument("unsupported BPF class");
    }
  }
  return 0;  // fell off the end: the kernel's verifier forbids it; treat as drop
}

}  // namespace ddtr::testutils
