#include "client/interrupt.hpp"

#include <windows.h>

#include <mutex>

namespace ddtr::client {

// The console calls its control handler on a thread of its own; the handler
// fulfils the KJ loop's promise across threads. (KJ 0.9's IOCP event port
// cannot wait on an event handle: observeSignalState is unimplemented there.)
struct InterruptWatch::State {
  std::mutex mutex;
  bool pressed = false;
  kj::Own<kj::CrossThreadPromiseFulfiller<void>> waiting;
};

namespace {

// SetConsoleCtrlHandler's routine takes no context argument, so the watch it
// reports to has to be reachable from a static: set by the InterruptWatch that
// installed the routine, cleared (under the lock) before that watch goes.
std::mutex g_watch_mutex;
InterruptWatch::State* g_watch = nullptr;

BOOL WINAPI on_console_control(DWORD type) {
  if (type != CTRL_C_EVENT && type != CTRL_BREAK_EVENT) return FALSE;  // close/logoff: the default ends us
  std::lock_guard lock(g_watch_mutex);
  if (g_watch == nullptr) return FALSE;
  std::lock_guard state_lock(g_watch->mutex);
  g_watch->pressed = true;
  if (g_watch->waiting) g_watch->waiting->fulfill();
  return TRUE;
}

}  // namespace

InterruptWatch::InterruptWatch() : state_(kj::heap<State>()) {
  {
    std::lock_guard lock(g_watch_mutex);
    g_watch = state_.get();
  }
  ::SetConsoleCtrlHandler(on_console_control, TRUE);
}

InterruptWatch::~InterruptWatch() {
  ::SetConsoleCtrlHandler(on_console_control, FALSE);
  std::lock_guard lock(g_watch_mutex);
  g_watch = nullptr;
}

kj::Promise<void> InterruptWatch::next(kj::AsyncIoContext&) {
  std::lock_guard lock(state_->mutex);
  if (state_->pressed) return kj::READY_NOW;
  auto paf = kj::newPromiseAndCrossThreadFulfiller<void>();
  state_->waiting = kj::mv(paf.fulfiller);
  return kj::mv(paf.promise);
}

}  // namespace ddtr::client
