// The client's HopListener: turns each onHop call into a HopObservation for
// the TraceProgress, and paces the live table's redraws (at most one per
// kRedrawInterval; a burst of hops is drawn once, shortly after).
#pragma once

#include <kj/async.h>
#include <kj/timer.h>

#include "client/trace_progress.hpp"
#include "proto/traceroute.capnp.h"

namespace ddtr::client {

class HopListener final : public wire::HopListener::Server {
 public:
  static constexpr kj::Duration kRedrawInterval = 50 * kj::MILLISECONDS;

  // Both outlive the listener: the progress is the command's, the timer the event loop's.
  HopListener(TraceProgress& progress, kj::Timer& timer);

  kj::Promise<void> onHop(OnHopContext context) override;

 private:
  void draw();

  TraceProgress& progress_;
  kj::Timer& timer_;
  kj::TimePoint last_draw_;
  bool redraw_scheduled_ = false;
  kj::Promise<void> scheduled_ = kj::READY_NOW;  // dropping the listener cancels a pending redraw
};

}  // namespace ddtr::client
