#include "tests/fuzz/support/cbpf_shape.hpp"

namespace ddtr::fuzz {

bool cbpf_program_is_well_formed(std::span<const sock_filter> program) {
  if (program.empty() || program.size() > BPF_MAXINSNS) return false;
  for (std::size_t pc = 0; pc < program.size(); ++pc) {
    const sock_filter& in = program[pc];
    std::size_t after = pc + 1;  // jumps are relative to the next instruction
    switch (BPF_CLASS(in.code)) {
      case BPF_JMP:
        if (BPF_OP(in.code) == BPF_JA) {
          if (in.k >= program.size() - after) return false;
        } else if (after + in.jt >= program.size() || after + in.jf >= program.size()) {
          return false;
        }
        break;
      case BPF_LD:
      case BPF_LDX:
        if (BPF_MODE(in.code) == BPF_MEM && in.k >= BPF_MEMWORDS) return false;
        break;
      case BPF_ST:
      case BPF_STX:
        if (in.k >= BPF_MEMWORDS) return false;
        break;
      case BPF_ALU:
        if ((BPF_OP(in.code) == BPF_DIV || BPF_OP(in.code) == BPF_MOD) && BPF_SRC(in.code) == BPF_K && in.k == 0) {
          return false;
        }
        break;
      default:
        break;
    }
  }
  return BPF_CLASS(program.back().code) == BPF_RET;
}

}  // namespace ddtr::fuzz
