// The RTT of one probe from the kernel's realtime stamps, and the monotonic
// fallback when the realtime clock stepped between send and receive. The
// clock readings are injected: each case is a timeline in nanoseconds.
#include <gtest/gtest.h>

#include "daemon/engine/rtt_clock.hpp"

namespace ddtr::engine {
namespace {

using namespace std::chrono_literals;
using std::chrono::nanoseconds;

struct Timeline {
  std::chrono::steady_clock::time_point steady0{std::chrono::hours(100)};
  platform::WireTime wall0{std::chrono::hours(400000)};
  SendStamps sent_at(nanoseconds t) const {
    return {steady0 + t, wall0 + std::chrono::duration_cast<platform::WireClock::duration>(t + 2us)};
  }
  platform::WireTime wall(nanoseconds t, nanoseconds step = {}) const {
    return wall0 + std::chrono::duration_cast<platform::WireClock::duration>(t + step);
  }
  ClockReading now(nanoseconds t, nanoseconds step = {}) const { return {steady0 + t, wall(t, step)}; }
};

TEST(RttClock, KernelStampsWithoutAStep) {
  Timeline tl;
  // Sent at 0 (the wall stamp 2 us after the monotonic one), received at 12.345678 ms, handled 300 us later.
  auto rtt = probe_rtt(tl.sent_at(0ns), tl.wall(12'345'678ns + 2us), tl.now(12'645'678ns));
  EXPECT_EQ(rtt, 12'345'678ns);
  // NTP's slew (500 ppm over a 3 s wait) is no step.
  auto slewed = probe_rtt(tl.sent_at(0ns), tl.wall(3s + 2us), tl.now(3s + 100us, 1500us));
  EXPECT_EQ(slewed, 3s);
}

TEST(RttClock, StepForwardFallsBackToTheMonotonicFigure) {
  Timeline tl;
  // The clock jumped 1 h forward between the send and the receive.
  auto rtt = probe_rtt(tl.sent_at(0ns), tl.wall(20ms, 1h), tl.now(20ms + 50us, 1h));
  EXPECT_EQ(rtt, 20ms + 50us);
}

TEST(RttClock, StepBackwardFallsBackToTheMonotonicFigure) {
  Timeline tl;
  // 10 ms backwards: the kernel figure would be 30 ms for a 40 ms round trip.
  auto rtt = probe_rtt(tl.sent_at(0ns), tl.wall(40ms, -10ms), tl.now(40ms + 50us, -10ms));
  EXPECT_EQ(rtt, 40ms + 50us);
  // An hour backwards: negative.
  EXPECT_EQ(probe_rtt(tl.sent_at(0ns), tl.wall(5ms, -1h), tl.now(5ms + 10us, -1h)), 5ms + 10us);
}

TEST(RttClock, StepAfterTheReceiveStampIsStillCaught) {
  Timeline tl;
  // Stamped before the step (a sane 8 ms), the step comes while the reply is
  // queued: the drift shows, and the monotonic figure is taken (8 ms + queueing).
  auto rtt = probe_rtt(tl.sent_at(0ns), tl.wall(8ms + 2us), tl.now(9ms, 1h));
  EXPECT_EQ(rtt, 9ms);
  // A receive stamp later than the handling itself cannot be: monotonic.
  EXPECT_EQ(probe_rtt(tl.sent_at(0ns), tl.wall(30ms), tl.now(9ms)), 9ms);
}

}  // namespace
}  // namespace ddtr::engine
