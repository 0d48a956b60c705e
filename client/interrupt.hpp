// Ctrl-C as an event of the KJ loop, so a trace is cancelled by dropping its
// promise rather than from a signal handler. SIGINT on POSIX, the console's
// control handler on Windows (posix/, windows/).
#pragma once

#include <kj/async-io.h>

namespace ddtr::client {

class InterruptWatch {
 public:
  // Before kj::setupAsyncIo(): on POSIX SIGINT must be captured (blocked)
  // before the event port exists.
  InterruptWatch();
  ~InterruptWatch();
  InterruptWatch(const InterruptWatch&) = delete;
  InterruptWatch& operator=(const InterruptWatch&) = delete;

  // Resolves on the first Ctrl-C from now on.
  kj::Promise<void> next(kj::AsyncIoContext& io);

  struct State;  // per OS; public so Windows' console handler can name it

 private:
  kj::Own<State> state_;
};

}  // namespace ddtr::client
