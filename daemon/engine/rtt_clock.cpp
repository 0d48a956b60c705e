#include "daemon/engine/rtt_clock.hpp"

namespace ddtr::engine {

ClockReading read_clocks() { return {std::chrono::steady_clock::now(), platform::WireClock::now()}; }

std::chrono::nanoseconds probe_rtt(const SendStamps& sent, platform::WireTime received, const ClockReading& now) {
  using std::chrono::nanoseconds;
  auto steady_span = std::chrono::duration_cast<nanoseconds>(now.steady - sent.steady);
  auto wall_span = std::chrono::duration_cast<nanoseconds>(now.wall - sent.wall);
  auto kernel_rtt = std::chrono::duration_cast<nanoseconds>(received - sent.wall);
  auto slack = nanoseconds(kClockStepSlack) + steady_span / 1000;
  auto drift = wall_span - steady_span;
  bool stepped = drift > slack || drift < -slack;
  // Without a step the kernel's figure still cannot exceed the span the reply
  // was handled in, nor be negative: either means a step the drift missed
  // (one between the receive stamp and `now` that cancelled out).
  bool impossible = kernel_rtt < nanoseconds::zero() || kernel_rtt > steady_span + slack;
  if (stepped || impossible) return steady_span;
  return kernel_rtt;
}

}  // namespace ddtr::engine
