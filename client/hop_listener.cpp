#include "client/hop_listener.hpp"

namespace ddtr::client {

HopListener::HopListener(TraceProgress& progress, kj::Timer& timer)
    : progress_(progress), timer_(timer), last_draw_(timer.now() - kRedrawInterval) {}

kj::Promise<void> HopListener::onHop(OnHopContext context) {
  auto event = context.getParams().getEvent();
  HopObservation hop;
  hop.kind = event.getKind() == wire::HopEvent::Kind::E2E_PROBE ? HopObservation::Kind::E2e
                                                                 : HopObservation::Kind::Run;
  hop.index = event.getIndex();
  hop.ttl = event.getTtl();
  hop.address = event.getIpAddress().cStr();
  hop.rtt_ms = event.getRttMs();
  hop.is_destination = event.getIsDestination();
  progress_.observe(hop);
  if (!progress_.live_table() || redraw_scheduled_) return kj::READY_NOW;
  if (timer_.now() - last_draw_ >= kRedrawInterval) {
    draw();
  } else {
    // The previous promise has completed (redraw_scheduled_ is false), so
    // replacing it here never destroys a running continuation.
    redraw_scheduled_ = true;
    scheduled_ = timer_.atTime(last_draw_ + kRedrawInterval)
                     .then([this] {
                       redraw_scheduled_ = false;
                       draw();
                     })
                     .eagerlyEvaluate(nullptr);
  }
  return kj::READY_NOW;
}

void HopListener::draw() {
  progress_.redraw();
  last_draw_ = timer_.now();
}

}  // namespace ddtr::client
