#include "daemon/rpc/bounded_message_stream.hpp"

#include <capnp/rpc.capnp.h>

#include <algorithm>
#include <string>

#include "daemon/rpc/connection_refusal.hpp"
#include <cstdint>

namespace ddtr::rpcserver {
namespace {

// While paused, the backlog is looked at again after every completed write,
// and at this pace in case the network's queue shrinks without a write this
// stream sees (its count drops a turn after the write ends).
constexpr auto kDrainPoll = 10 * kj::MILLISECONDS;
constexpr std::uint64_t kYieldEvery = 16;

std::size_t bytes_of(kj::ArrayPtr<const kj::ArrayPtr<const capnp::word>> segments) {
  std::size_t words = 0;
  for (auto segment : segments) words += segment.size();
  return words * sizeof(capnp::word);
}

}  // namespace

BoundedMessageStream::BoundedMessageStream(kj::AsyncIoStream& stream, kj::Timer& timer, MessageStreamLimits limits)
    : inner_(stream), timer_(timer), limits_(limits) {}

std::size_t BoundedMessageStream::unsent() const {
  // Without a network (the unit test), what this stream is writing is all there is.
  return backlog_ ? std::max(writing_, backlog_()) : writing_;
}

kj::Promise<void> BoundedMessageStream::until_drained() {
  if (!reading_paused()) return kj::READY_NOW;
  auto paf = kj::newPromiseAndFulfiller<void>();
  wake_ = kj::mv(paf.fulfiller);
  return paf.promise.exclusiveJoin(timer_.afterDelay(kDrainPoll)).then([this] { return until_drained(); });
}

kj::Promise<kj::Maybe<capnp::MessageReaderAndFds>> BoundedMessageStream::tryReadMessage(
    kj::ArrayPtr<kj::AutoCloseFd> fd_space, capnp::ReaderOptions options, kj::ArrayPtr<capnp::word> scratch) {
  options.traversalLimitInWords = std::min<std::uint64_t>(options.traversalLimitInWords, limits_.max_message_words);
  options.nestingLimit = std::min<int>(options.nestingLimit, static_cast<int>(limits_.max_nesting));
  // A client whose messages are always there to read would keep the KJ loop
  // busy with its connection alone: the loop looks at the OS (other
  // connections, timers) only when nothing is queued. Every kYieldEvery
  // messages this read waits for a zero timer, which only the OS poll fires.
  kj::Promise<void> turn = ++reads_ % kYieldEvery == 0 ? timer_.afterDelay(0 * kj::MILLISECONDS) : kj::READY_NOW;
  return turn.then([this] { return until_drained(); }).then([this, fd_space, options, scratch]() mutable {
    return inner_.tryReadMessage(fd_space, options, scratch)
        .then([this](kj::Maybe<capnp::MessageReaderAndFds>&& read) {
          KJ_IF_MAYBE(message, read) { track(*message->reader); }
          return kj::mv(read);
        });
  });
}

void BoundedMessageStream::track(capnp::MessageReader& message) {
  auto root = message.getRoot<capnp::rpc::Message>();
  switch (root.which()) {
    case capnp::rpc::Message::CALL: unfinished_.insert(root.getCall().getQuestionId()); break;
    case capnp::rpc::Message::BOOTSTRAP: unfinished_.insert(root.getBootstrap().getQuestionId()); break;
    case capnp::rpc::Message::FINISH: unfinished_.erase(root.getFinish().getQuestionId()); break;
    default: return;
  }
  if (unfinished_.size() > limits_.max_unfinished_calls) {
    kj::throwFatalException(refusal_exception(
        Error(ErrorCode::QuotaExceeded, "too many calls not finished on one connection (more than " +
                                            std::to_string(limits_.max_unfinished_calls) +
                                            "): the client never sends Cap'n Proto's Finish")));
  }
}

kj::Promise<void> BoundedMessageStream::counted(kj::Promise<void> write, std::size_t bytes) {
  writing_ += bytes;
  return write.attach(kj::defer([this, bytes] {
    writing_ -= bytes;
    KJ_IF_MAYBE(wake, wake_) {
      (*wake)->fulfill();
      wake_ = nullptr;
    }
  }));
}

kj::Promise<void> BoundedMessageStream::writeMessage(kj::ArrayPtr<const int> fds,
                                                     kj::ArrayPtr<const kj::ArrayPtr<const capnp::word>> segments) {
  return counted(inner_.writeMessage(fds, segments), bytes_of(segments));
}

kj::Promise<void> BoundedMessageStream::writeMessages(
    kj::ArrayPtr<kj::ArrayPtr<const kj::ArrayPtr<const capnp::word>>> messages) {
  std::size_t bytes = 0;
  for (auto message : messages) bytes += bytes_of(message);
  return counted(inner_.writeMessages(messages), bytes);
}

}  // namespace ddtr::rpcserver
