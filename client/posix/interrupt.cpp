#include "client/interrupt.hpp"

#include <kj/async-unix.h>
#include <signal.h>

namespace ddtr::client {

struct InterruptWatch::State {};

// Blocked SIGINT becomes an event of the loop: no handler, no flag.
InterruptWatch::InterruptWatch() : state_(kj::heap<State>()) { kj::UnixEventPort::captureSignal(SIGINT); }

InterruptWatch::~InterruptWatch() = default;

kj::Promise<void> InterruptWatch::next(kj::AsyncIoContext& io) {
  return io.unixEventPort.onSignal(SIGINT).ignoreResult();
}

}  // namespace ddtr::client
