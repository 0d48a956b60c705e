#include "daemon/gateway/kj_mailbox.hpp"

namespace ddtr::gateway {

void KjMailbox::post(std::function<void()> fn) {
  std::lock_guard lock(mutex_);
  if (closed_) return;
  queue_.push_back(std::move(fn));
  if (waker_) {
    waker_->fulfill();
    waker_ = nullptr;
  }
}

kj::Promise<void> KjMailbox::run() {
  auto paf = kj::newPromiseAndCrossThreadFulfiller<void>();
  {
    std::lock_guard lock(mutex_);
    if (!queue_.empty()) {
      paf.fulfiller->fulfill();
    } else {
      waker_ = kj::mv(paf.fulfiller);
    }
  }
  return paf.promise.then([this]() {
    drain();
    return run();
  });
}

void KjMailbox::close() {
  std::lock_guard lock(mutex_);
  closed_ = true;
  queue_.clear();
  waker_ = nullptr;
}

void KjMailbox::drain() {
  std::deque<std::function<void()>> batch;
  {
    std::lock_guard lock(mutex_);
    batch.swap(queue_);
  }
  for (auto& fn : batch) fn();
}

}  // namespace ddtr::gateway
