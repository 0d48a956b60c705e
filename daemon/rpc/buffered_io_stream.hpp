// A client connection's socket with a small read buffer in front.
//
// Cap'n Proto reads each message in pieces (its first word, then the rest) and
// then waits for the next, so every call cost the daemon three read() calls
// on its Unix socket and the Finish that follows it three more: a sixth of the
// daemon's CPU for a short trace at 1000 concurrent traces. With the buffer,
// one read() takes whatever the client has sent, often several messages.
// Reads larger than the buffer go straight to the caller's memory; writes and
// the rest pass through. The buffer is allocated at the first read and stays
// kReadBufferBytes per connection (bounded by the policy's max_connections).
#pragma once

#include <kj/array.h>
#include <kj/async-io.h>

#include <cstddef>

namespace ddtr::rpcserver {

class BufferedIoStream final : public kj::AsyncIoStream {
 public:
  static constexpr std::size_t kReadBufferBytes = 1024;

  explicit BufferedIoStream(kj::AsyncIoStream& inner) : inner_(inner) {}

  kj::Promise<std::size_t> tryRead(void* buffer, std::size_t min_bytes, std::size_t max_bytes) override;

  kj::Promise<void> write(const void* buffer, std::size_t size) override { return inner_.write(buffer, size); }
  kj::Promise<void> write(kj::ArrayPtr<const kj::ArrayPtr<const kj::byte>> pieces) override {
    return inner_.write(pieces);
  }
  kj::Promise<void> whenWriteDisconnected() override { return inner_.whenWriteDisconnected(); }
  void shutdownWrite() override { inner_.shutdownWrite(); }
  void abortRead() override { inner_.abortRead(); }
  void getsockopt(int level, int option, void* value, kj::uint* length) override {
    inner_.getsockopt(level, option, value, length);
  }
  void setsockopt(int level, int option, const void* value, kj::uint length) override {
    inner_.setsockopt(level, option, value, length);
  }
  void getsockname(struct sockaddr* addr, kj::uint* length) override { inner_.getsockname(addr, length); }
  void getpeername(struct sockaddr* addr, kj::uint* length) override { inner_.getpeername(addr, length); }
  kj::Maybe<int> getFd() const override { return inner_.getFd(); }

  // Bytes read from the socket and not yet handed out.
  std::size_t buffered() const { return end_ - begin_; }

 private:
  // Hands out up to `max_bytes` of what is buffered; returns the count.
  std::size_t take(kj::byte* out, std::size_t max_bytes);

  kj::AsyncIoStream& inner_;
  kj::Array<kj::byte> buffer_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
};

}  // namespace ddtr::rpcserver
