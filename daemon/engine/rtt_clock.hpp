// A probe's RTT from two clocks. The kernel stamps replies with CLOCK_REALTIME
// (platform::WireClock), so the precise figure is a realtime receive stamp
// minus a realtime send stamp; a clock step between the two (NTP, a VM resume,
// an operator's `date -s`) would make it absurd. The run also reads the
// monotonic clock at send and both clocks together when it handles the reply:
// if the realtime clock moved differently from the monotonic one over that
// span, it stepped, and the RTT is the monotonic user-space figure instead
// (a little longer: it includes the reply's queueing in the daemon).
#pragma once

#include <chrono>
#include <functional>

#include "platform/packets.hpp"

namespace ddtr::engine {

struct ClockReading {
  std::chrono::steady_clock::time_point steady;
  platform::WireTime wall;
};

// Reads both clocks; injected by tests to simulate a step.
using ClockSource = std::function<ClockReading()>;
ClockReading read_clocks();

struct SendStamps {
  std::chrono::steady_clock::time_point steady;  // read just before the send
  platform::WireTime wall;                       // the sink's send stamp
};

// The realtime clock is allowed to drift from the monotonic one by this much
// plus 1000 ppm of the span (NTP slews at most 500 ppm) before it counts as a step.
inline constexpr std::chrono::microseconds kClockStepSlack{1000};

// The RTT of a reply stamped `received` by the kernel, handled at `now`.
std::chrono::nanoseconds probe_rtt(const SendStamps& sent, platform::WireTime received, const ClockReading& now);

}  // namespace ddtr::engine
