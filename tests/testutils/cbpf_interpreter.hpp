// A reference interpreter for classic BPF, to test our filter programs on
// crafted packets without a kernel. Like the kernel's, an out-of-bounds load
// ends the program with 0 (drop). The ancillary protocol load returns
// `ethertype`, which is what the kernel exposes for SOCK_DGRAM packet sockets.
#pragma once

#include <linux/filter.h>

#include <cstdint>
#include <span>

namespace ddtr::testutils {

std::uint32_t run_cbpf(std::span<const sock_filter> program, std::span<const std::uint8_t> packet,
                       std::uint16_t ethertype);

}  // namespace ddtr::testutils
