// The kernel's structural rules for a classic BPF program (what sk_chk_filter
// rejects before any packet runs), which the reference interpreter does not
// enforce: 1..BPF_MAXINSNS instructions, every jump lands inside the program,
// scratch memory indices are in range, no division by a constant 0, and the
// last instruction returns. A program that passes cannot run off its end.
#pragma once

#include <linux/filter.h>

#include <span>

namespace ddtr::fuzz {

bool cbpf_program_is_well_formed(std::span<const sock_filter> program);

}  // namespace ddtr::fuzz
