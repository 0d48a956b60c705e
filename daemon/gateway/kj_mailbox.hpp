// Engine -> RPC hand-off. The engine thread has no KJ event loop, so it cannot
// call into KJ; it posts closures here and a cross-thread fulfiller wakes the
// KJ loop, which runs them in order. Nothing else is shared between threads.
#pragma once

#include <kj/async.h>

#include <deque>
#include <functional>
#include <mutex>

namespace ddtr::gateway {

class KjMailbox {
 public:
  // Any thread. Dropped silently once closed (the daemon is shutting down).
  void post(std::function<void()> fn);
  // KJ thread: runs posted closures forever (until cancelled).
  kj::Promise<void> run();
  // KJ thread: stop accepting closures.
  void close();

 private:
  void drain();

  std::mutex mutex_;
  std::deque<std::function<void()>> queue_;
  kj::Own<kj::CrossThreadPromiseFulfiller<void>> waker_;
  bool closed_ = false;
};

}  // namespace ddtr::gateway
