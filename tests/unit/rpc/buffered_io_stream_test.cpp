// The read buffer in front of a client connection, on a real socket pair: the
// bytes come out as written whatever the read sizes, several messages written
// at once take one read of the socket, a read at least as large as the buffer
// bypasses it, and the end of the stream comes through.
#include "daemon/rpc/buffered_io_stream.hpp"

#include <capnp/message.h>
#include <capnp/rpc.capnp.h>
#include <capnp/serialize-async.h>
#include <capnp/serialize.h>
#include <gtest/gtest.h>
#include <kj/async-io.h>

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

namespace ddtr::rpcserver {
namespace {

// Counts the reads that reach the socket.
class CountingStream final : public kj::AsyncIoStream {
 public:
  explicit CountingStream(kj::AsyncIoStream& inner) : inner_(inner) {}
  kj::Promise<std::size_t> tryRead(void* buffer, std::size_t min_bytes, std::size_t max_bytes) override {
    ++reads;
    largest = std::max(largest, max_bytes);
    return inner_.tryRead(buffer, min_bytes, max_bytes);
  }
  kj::Promise<void> write(const void* buffer, std::size_t size) override { return inner_.write(buffer, size); }
  kj::Promise<void> write(kj::ArrayPtr<const kj::ArrayPtr<const kj::byte>> pieces) override {
    return inner_.write(pieces);
  }
  kj::Promise<void> whenWriteDisconnected() override { return inner_.whenWriteDisconnected(); }
  void shutdownWrite() override { inner_.shutdownWrite(); }
  int reads = 0;
  std::size_t largest = 0;

 private:
  kj::AsyncIoStream& inner_;
};

struct Pipe {
  kj::AsyncIoContext io = kj::setupAsyncIo();
  kj::TwoWayPipe pipe = io.provider->newTwoWayPipe();
  CountingStream daemon_end{*pipe.ends[0]};
  kj::AsyncIoStream& client_end = *pipe.ends[1];
  BufferedIoStream buffered{daemon_end};
};

std::vector<kj::byte> pattern(std::size_t n) {
  std::vector<kj::byte> bytes(n);
  for (std::size_t i = 0; i < n; ++i) bytes[i] = static_cast<kj::byte>(i * 7 + 3);
  return bytes;
}

TEST(BufferedIoStream, BytesComeOutAsWrittenWhateverTheReadSizes) {
  Pipe p;
  auto sent = pattern(5000);
  p.client_end.write(sent.data(), sent.size()).wait(p.io.waitScope);
  p.client_end.shutdownWrite();
  std::vector<kj::byte> got;
  std::vector<kj::byte> chunk(3000);
  for (std::size_t size : {1, 7, 8, 100, 1023, 1024, 2000, 3000}) {
    std::size_t n = p.buffered.tryRead(chunk.data(), 1, size).wait(p.io.waitScope);
    ASSERT_GE(n, 1u);
    ASSERT_LE(n, size);
    got.insert(got.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(n));
  }
  for (;;) {
    std::size_t n = p.buffered.tryRead(chunk.data(), 1, 10).wait(p.io.waitScope);
    if (n == 0) break;  // the end of the stream comes through
    got.insert(got.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(n));
  }
  EXPECT_EQ(got, sent);
  EXPECT_EQ(p.buffered.buffered(), 0u);
}

TEST(BufferedIoStream, MessagesWrittenAtOnceTakeOneReadOfTheSocket) {
  Pipe p;
  // Three small RPC messages in one write, as a client pipelining calls sends them.
  std::vector<kj::byte> bytes;
  for (int i = 0; i < 3; ++i) {
    capnp::MallocMessageBuilder message;
    message.initRoot<capnp::rpc::Message>().initAbort().setReason(std::string(40, static_cast<char>('a' + i)));
    auto words = capnp::messageToFlatArray(message);
    auto as_bytes = words.asBytes();
    bytes.insert(bytes.end(), as_bytes.begin(), as_bytes.end());
  }
  p.client_end.write(bytes.data(), bytes.size()).wait(p.io.waitScope);
  capnp::AsyncIoMessageStream server(p.buffered);
  for (int i = 0; i < 3; ++i) {
    auto read = server.tryReadMessage(nullptr, {}, nullptr).wait(p.io.waitScope);
    ASSERT_NE(read, nullptr);
    KJ_IF_MAYBE(m, read) {
      auto reason = m->reader->getRoot<capnp::rpc::Message>().getAbort().getReason();
      EXPECT_EQ(std::string(reason.cStr()), std::string(40, static_cast<char>('a' + i)));
    }
  }
  EXPECT_EQ(p.daemon_end.reads, 1) << "the three messages' pieces came from one read of the socket";
}

TEST(BufferedIoStream, AReadAsLargeAsTheBufferBypassesIt) {
  Pipe p;
  auto sent = pattern(3 * BufferedIoStream::kReadBufferBytes);
  p.client_end.write(sent.data(), sent.size()).wait(p.io.waitScope);
  std::vector<kj::byte> got(sent.size());
  std::size_t n = p.buffered.tryRead(got.data(), got.size(), got.size()).wait(p.io.waitScope);
  EXPECT_EQ(n, sent.size());
  EXPECT_EQ(got, sent);
  EXPECT_EQ(p.daemon_end.largest, sent.size());  // straight into the caller's memory
  EXPECT_EQ(p.buffered.buffered(), 0u);
}

}  // namespace
}  // namespace ddtr::rpcserver
