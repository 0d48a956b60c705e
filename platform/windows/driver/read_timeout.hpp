// How long one GetQueuedCompletionStatus may wait for a read's deadline.
#pragma once

#include <cstdint>

#include "platform/packets.hpp"

namespace ddtr::platform::windows::driver {

// Milliseconds until `deadline`, rounded up so a wait never ends early; 0 for
// a deadline already passed (one poll, never blocking the engine's loop: the
// PacketSource contract), and below INFINITE for any deadline however far.
// Upstream's getReadTimeout (never under 100 ms, 1000 ms without a deadline)
// suits its blocking reader goroutine, not an event loop; see docs/deviations.md.
std::uint32_t completion_wait_ms(Deadline deadline, std::chrono::steady_clock::time_point now);

}  // namespace ddtr::platform::windows::driver
