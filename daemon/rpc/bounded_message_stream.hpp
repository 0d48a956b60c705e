// The message stream under one RPC connection, with the two bounds a client
// must not get round (issue 14):
//  - replies not yet sent: while more than `max_unsent_bytes` wait to go out
//    (the client is not reading), the next message is not read, so a client
//    that pipelines calls and never reads costs the daemon a bounded buffer,
//    not one reply per call. Reading resumes when the backlog drains.
//  - one incoming message: at most `max_message_words` (Cap'n Proto's reader
//    default is 64 MiB), checked before its segments are allocated.
//  - calls the client has not finished: the RPC system keeps every answer
//    (its reply with it) until the client's Finish message, so a client that
//    never sends one would grow the daemon without a reply left unsent. Past
//    `max_unfinished_calls` the connection fails with QUOTA_EXCEEDED (the
//    client is told in an Abort).
// It also lets the other connections in: see kYieldEvery.
// The backlog is what TwoPartyVatNetwork has queued (its own queue, in 0.9.2:
// the stream sees one message at a time), so the owner hands in a function
// that reads it once the network exists.
#pragma once

#include <capnp/serialize-async.h>
#include <kj/async-io.h>
#include <kj/timer.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <unordered_set>

namespace ddtr::rpcserver {

struct MessageStreamLimits {
  std::size_t max_unsent_bytes = 1 << 20;
  std::size_t max_message_words = 1 << 13;
  unsigned max_nesting = 16;
  std::size_t max_unfinished_calls = 2048;
};

class BoundedMessageStream final : public capnp::MessageStream {
 public:
  BoundedMessageStream(kj::AsyncIoStream& stream, kj::Timer& timer, MessageStreamLimits limits);

  // Bytes waiting to be sent besides the message being written (set once).
  void set_backlog(std::function<std::size_t()> backlog) { backlog_ = std::move(backlog); }
  std::size_t unsent() const;
  bool reading_paused() const { return unsent() > limits_.max_unsent_bytes; }

  kj::Promise<kj::Maybe<capnp::MessageReaderAndFds>> tryReadMessage(kj::ArrayPtr<kj::AutoCloseFd> fd_space,
                                                                   capnp::ReaderOptions options,
                                                                   kj::ArrayPtr<capnp::word> scratch) override;
  kj::Promise<void> writeMessage(kj::ArrayPtr<const int> fds,
                                 kj::ArrayPtr<const kj::ArrayPtr<const capnp::word>> segments) override;
  kj::Promise<void> writeMessages(
      kj::ArrayPtr<kj::ArrayPtr<const kj::ArrayPtr<const capnp::word>>> messages) override;
  kj::Maybe<int> getSendBufferSize() override { return inner_.getSendBufferSize(); }
  kj::Promise<void> end() override { return inner_.end(); }

 private:
  kj::Promise<void> until_drained();
  kj::Promise<void> counted(kj::Promise<void> write, std::size_t bytes);
  void track(capnp::MessageReader& message);

  capnp::AsyncIoMessageStream inner_;
  kj::Timer& timer_;
  MessageStreamLimits limits_;
  std::function<std::size_t()> backlog_;
  std::size_t writing_ = 0;  // bytes handed to the socket, not yet written
  std::uint64_t reads_ = 0;
  std::unordered_set<std::uint32_t> unfinished_;  // the client's question ids
  kj::Maybe<kj::Own<kj::PromiseFulfiller<void>>> wake_;
};

}  // namespace ddtr::rpcserver
