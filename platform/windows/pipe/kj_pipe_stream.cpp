#include "platform/windows/pipe/kj_pipe_stream.hpp"

#include <kj/debug.h>

#include "platform/windows/common/win_error.hpp"

namespace ddtr::platform::windows::pipe {
namespace {

bool is_end_of_stream(DWORD error) {
  return error == ERROR_BROKEN_PIPE || error == ERROR_PIPE_NOT_CONNECTED || error == ERROR_NO_DATA;
}

class KjPipeStream final : public kj::AsyncIoStream {
 public:
  KjPipeStream(kj::Win32EventPort& port, std::unique_ptr<PipeStream> pipe)
      : pipe_(std::move(pipe)), observer_(port.observeIo(pipe_->native())) {}

  kj::Promise<size_t> tryRead(void* buffer, size_t min_bytes, size_t max_bytes) override {
    return read_at_least(static_cast<kj::byte*>(buffer), min_bytes, max_bytes, 0);
  }

  kj::Promise<void> write(const void* buffer, size_t size) override {
    if (size == 0) return kj::READY_NOW;
    auto op = observer_->newOperation(0);
    if (!::WriteFile(pipe_->native(), buffer, static_cast<DWORD>(size), nullptr, op->getOverlapped())) {
      DWORD error = ::GetLastError();
      if (error != ERROR_IO_PENDING) {
        KJ_FAIL_REQUIRE("pipe write failed", system_message(error).c_str()) { return kj::READY_NOW; }
      }
    }
    auto done = op->onComplete();
    return done.attach(kj::mv(op)).then([this, buffer, size](kj::Win32EventPort::IoResult result) -> kj::Promise<void> {
      if (result.errorCode != ERROR_SUCCESS) {
        KJ_FAIL_REQUIRE("pipe write failed", system_message(result.errorCode).c_str()) { return kj::READY_NOW; }
      }
      if (result.bytesTransferred < size) {
        return write(static_cast<const kj::byte*>(buffer) + result.bytesTransferred, size - result.bytesTransferred);
      }
      return kj::READY_NOW;
    });
  }

  kj::Promise<void> write(kj::ArrayPtr<const kj::ArrayPtr<const kj::byte>> pieces) override {
    if (pieces.size() == 0) return kj::READY_NOW;
    return write(pieces[0].begin(), pieces[0].size()).then([this, pieces]() { return write(pieces.slice(1, pieces.size())); });
  }

  // A pipe cannot say "gone" before a write fails: writes report it.
  kj::Promise<void> whenWriteDisconnected() override { return kj::NEVER_DONE; }
  // A byte-mode pipe has no half-close; the peer sees the end when we close.
  void shutdownWrite() override {}

 private:
  kj::Promise<size_t> read_at_least(kj::byte* buffer, size_t min_bytes, size_t max_bytes, size_t already) {
    if (already >= min_bytes || already >= max_bytes) return already;
    auto op = observer_->newOperation(0);
    if (!::ReadFile(pipe_->native(), buffer + already, static_cast<DWORD>(max_bytes - already), nullptr,
                    op->getOverlapped())) {
      DWORD error = ::GetLastError();
      if (is_end_of_stream(error)) return already;
      if (error != ERROR_IO_PENDING) {
        KJ_FAIL_REQUIRE("pipe read failed", system_message(error).c_str()) { return already; }
      }
    }
    auto done = op->onComplete();
    return done.attach(kj::mv(op)).then(
        [this, buffer, min_bytes, max_bytes, already](kj::Win32EventPort::IoResult result) -> kj::Promise<size_t> {
          if (is_end_of_stream(result.errorCode)) return already;
          if (result.errorCode != ERROR_SUCCESS && result.errorCode != ERROR_MORE_DATA) {
            KJ_FAIL_REQUIRE("pipe read failed", system_message(result.errorCode).c_str()) { return already; }
          }
          if (result.bytesTransferred == 0) return already;  // end of stream
          return read_at_least(buffer, min_bytes, max_bytes, already + result.bytesTransferred);
        });
  }

  std::unique_ptr<PipeStream> pipe_;
  kj::Own<kj::Win32EventPort::IoObserver> observer_;
};

}  // namespace

kj::Own<kj::AsyncIoStream> kj_pipe_stream(kj::Win32EventPort& port, std::unique_ptr<PipeStream> pipe) {
  return kj::heap<KjPipeStream>(port, std::move(pipe));
}

}  // namespace ddtr::platform::windows::pipe
