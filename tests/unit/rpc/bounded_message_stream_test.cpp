#include "daemon/rpc/bounded_message_stream.hpp"

#include <capnp/message.h>
#include <capnp/rpc.capnp.h>
#include <gtest/gtest.h>
#include <kj/async-io.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace ddtr::rpcserver {
namespace {

// A real socket pair: the daemon's end is wrapped, the client's end is raw.
struct Pipe {
  kj::AsyncIoContext io = kj::setupAsyncIo();
  kj::TwoWayPipe pipe = io.provider->newTwoWayPipe();
  kj::AsyncIoStream& daemon_end = *pipe.ends[0];
  kj::AsyncIoStream& client_end = *pipe.ends[1];
  capnp::AsyncIoMessageStream client{client_end};
};

kj::Own<capnp::MallocMessageBuilder> message_of(std::size_t text_bytes) {
  auto message = kj::heap<capnp::MallocMessageBuilder>();
  auto abort = message->initRoot<capnp::rpc::Message>().initAbort();
  abort.initReason(static_cast<unsigned>(text_bytes));
  return message;
}

kj::Promise<void> send(capnp::MessageStream& stream, std::size_t text_bytes) {
  auto message = message_of(text_bytes);
  auto& m = *message;
  return stream.writeMessage(m).attach(kj::mv(message));
}

TEST(BoundedMessageStream, ReadsWhileNothingWaitsToBeSent) {
  Pipe p;
  BoundedMessageStream stream(p.daemon_end, p.io.provider->getTimer(), {});
  send(p.client, 100).wait(p.io.waitScope);
  auto read = stream.tryReadMessage(nullptr, {}, nullptr).wait(p.io.waitScope);
  ASSERT_NE(read, nullptr);
}

TEST(BoundedMessageStream, StopsReadingWhileTheBacklogIsOverTheLimitAndResumesWhenItDrains) {
  Pipe p;
  MessageStreamLimits limits;
  limits.max_unsent_bytes = 1000;
  BoundedMessageStream stream(p.daemon_end, p.io.provider->getTimer(), limits);
  std::size_t backlog = 5000;
  stream.set_backlog([&backlog] { return backlog; });
  send(p.client, 100).wait(p.io.waitScope);
  EXPECT_TRUE(stream.reading_paused());
  auto read = stream.tryReadMessage(nullptr, {}, nullptr);
  // A message is there to read, yet none is read while the backlog stands.
  p.io.provider->getTimer().afterDelay(50 * kj::MILLISECONDS).wait(p.io.waitScope);
  EXPECT_FALSE(read.poll(p.io.waitScope));
  backlog = 0;
  EXPECT_FALSE(stream.reading_paused());
  auto message = read.wait(p.io.waitScope);
  EXPECT_NE(message, nullptr);
}

TEST(BoundedMessageStream, AWriteTheClientDoesNotReadPausesReadingUntilTheClientReads) {
  Pipe p;
  MessageStreamLimits limits;
  limits.max_unsent_bytes = 64 * 1024;
  limits.max_message_words = 1 << 20;
  BoundedMessageStream stream(p.daemon_end, p.io.provider->getTimer(), limits);
  // 4 MiB is more than the socket buffers take: the write waits for the client.
  auto write = send(stream, 4 << 20);
  EXPECT_FALSE(write.poll(p.io.waitScope));
  EXPECT_GT(stream.unsent(), limits.max_unsent_bytes);
  send(p.client, 100).wait(p.io.waitScope);
  auto read = stream.tryReadMessage(nullptr, {}, nullptr);
  p.io.provider->getTimer().afterDelay(50 * kj::MILLISECONDS).wait(p.io.waitScope);
  EXPECT_FALSE(read.poll(p.io.waitScope));
  // The client reads the big reply: the write ends, reading resumes.
  capnp::ReaderOptions big;
  big.traversalLimitInWords = 1 << 22;
  auto reply = static_cast<capnp::MessageStream&>(p.client).tryReadMessage(big).wait(p.io.waitScope);
  ASSERT_NE(reply, nullptr);
  write.wait(p.io.waitScope);
  EXPECT_EQ(stream.unsent(), 0u);
  EXPECT_NE(read.wait(p.io.waitScope), nullptr);
}

TEST(BoundedMessageStream, RefusesAMessageOverTheSizeLimitBeforeReadingIt) {
  Pipe p;
  MessageStreamLimits limits;
  limits.max_message_words = 1024;
  BoundedMessageStream stream(p.daemon_end, p.io.provider->getTimer(), limits);
  send(p.client, 1024 * 8 * 2).wait(p.io.waitScope);
  EXPECT_ANY_THROW(stream.tryReadMessage(nullptr, {}, nullptr).wait(p.io.waitScope));
}

TEST(BoundedMessageStream, ReadsAMessageJustUnderTheSizeLimit) {
  Pipe p;
  MessageStreamLimits limits;
  limits.max_message_words = 1024;
  BoundedMessageStream stream(p.daemon_end, p.io.provider->getTimer(), limits);
  send(p.client, 900 * 8).wait(p.io.waitScope);
  EXPECT_NE(stream.tryReadMessage(nullptr, {}, nullptr).wait(p.io.waitScope), nullptr);
}

kj::Promise<void> send_call_or_finish(capnp::MessageStream& stream, bool call, std::uint32_t question) {
  auto message = kj::heap<capnp::MallocMessageBuilder>();
  auto root = message->initRoot<capnp::rpc::Message>();
  if (call) {
    root.initCall().setQuestionId(question);
  } else {
    root.initFinish().setQuestionId(question);
  }
  auto& m = *message;
  return stream.writeMessage(m).attach(kj::mv(message));
}

TEST(BoundedMessageStream, ACallerThatNeverFinishesItsCallsIsCutOffWithAQuota) {
  Pipe p;
  MessageStreamLimits limits;
  limits.max_unfinished_calls = 10;
  BoundedMessageStream stream(p.daemon_end, p.io.provider->getTimer(), limits);
  // Finished calls never add up.
  for (std::uint32_t q = 0; q < 100; ++q) {
    send_call_or_finish(p.client, true, q).wait(p.io.waitScope);
    send_call_or_finish(p.client, false, q).wait(p.io.waitScope);
    stream.tryReadMessage(nullptr, {}, nullptr).wait(p.io.waitScope);
    stream.tryReadMessage(nullptr, {}, nullptr).wait(p.io.waitScope);
  }
  for (std::uint32_t q = 100; q < 110; ++q) {
    send_call_or_finish(p.client, true, q).wait(p.io.waitScope);
    stream.tryReadMessage(nullptr, {}, nullptr).wait(p.io.waitScope);
  }
  send_call_or_finish(p.client, true, 110).wait(p.io.waitScope);
  try {
    stream.tryReadMessage(nullptr, {}, nullptr).wait(p.io.waitScope);
    ADD_FAILURE() << "the 11th unfinished call was read";
  } catch (const kj::Exception& e) {
    EXPECT_NE(std::string(e.getDescription().cStr()).find("QUOTA_EXCEEDED: too many calls not finished"),
              std::string::npos)
        << e.getDescription().cStr();
  }
}

}  // namespace
}  // namespace ddtr::rpcserver
