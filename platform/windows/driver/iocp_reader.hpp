// Many overlapped ReadFile calls kept pending on one handle, their completions
// taken from an I/O completion port of its own: the seed's driver read path
// (800 reads of 150 bytes). Any overlapped HANDLE works (the ddnpm data
// handle; a message-mode named pipe in the tests). Windows only.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

#include "platform/windows/common/unique_handle.hpp"

namespace ddtr::platform::windows::driver {

inline constexpr std::size_t kReadBufferCount = 800;  // upstream's readBufferCount
inline constexpr std::size_t kReadBufferSize = 150;   // upstream's readbuffer.data

struct IocpReaderOptions {
  std::size_t buffer_count = kReadBufferCount;
  std::size_t buffer_size = kReadBufferSize;
};

// What close() saw, for logs and tests.
struct IocpCloseReport {
  std::size_t returned_reads = 0;  // posted reads that came back (cancelled, or completed unread) before the port closed
  std::size_t abandoned_reads = 0;  // still pending after the grace period (their buffers are leaked, not freed)
};

class IocpReader {
 public:
  // Binds `handle` (opened with FILE_FLAG_OVERLAPPED) to a new completion port
  // and posts one ReadFile per buffer. Throws ddtr::Error "error creating IO
  // completion port: …" or "failed to initiate readfile: …".
  IocpReader(UniqueHandle handle, IocpReaderOptions options = {});
  IocpReader(const IocpReader&) = delete;
  IocpReader& operator=(const IocpReader&) = delete;
  ~IocpReader();  // close(), errors ignored

  HANDLE handle() const { return handle_.get(); }

  // Waits up to `timeout_ms` for one completed read, hands its bytes to
  // `consume` and posts that buffer's ReadFile again. false: nothing completed
  // in time (or a wake() was seen). A read that completed with an error throws
  // ddtr::Error "could not get queued completion status: …" (its buffer is
  // not re-posted); so does a failed re-post ("failed to initiate readfile: …").
  // Reads longer than a buffer (ERROR_MORE_DATA) deliver the buffer's worth.
  bool read(std::uint32_t timeout_ms, const std::function<void(std::span<const std::uint8_t>)>& consume);

  // For a thread that only waits: blocks until a read has completed (then
  // keeps it for the next read(), returns true) or wake() is called (false).
  bool wait_ready(std::uint32_t timeout_ms);
  // Ends one wait_ready() in another thread. Thread-safe.
  void wake();

  std::size_t pending_reads() const;

  // Upstream's order: CancelIoEx on the handle, close the port, close the
  // handle, free the buffers. Between the first two it waits (up to
  // `grace_ms`) for the cancelled reads to complete, so no buffer is freed
  // while the kernel may still write into it. Errors: "error cancelling DNS io
  // completion: …", "error closing DNS io completion handle: …", "error
  // closing driver DNS h: …" (upstream's words). Idempotent.
  IocpCloseReport close(std::uint32_t grace_ms = 1000);

 private:
  struct ReadBuffer;
  void post(ReadBuffer& buffer);
  // One completion from the port: a buffer, a wake-up (nullptr, true) or a
  // timeout (nullptr, false). `error`: the read's own failure, 0 if none.
  struct Dequeued {
    ReadBuffer* buffer = nullptr;
    bool woken = false;
    std::uint32_t error = 0;
    std::uint32_t bytes = 0;
  };
  Dequeued dequeue(std::uint32_t timeout_ms);

  UniqueHandle handle_;
  UniqueHandle iocp_;
  std::vector<std::unique_ptr<ReadBuffer>> buffers_;  // fixed addresses until close()
  mutable std::mutex mutex_;                          // guards ready_ and the pending flags
  std::deque<Dequeued> ready_;                        // dequeued by wait_ready(), not yet consumed
  std::size_t pending_ = 0;
  bool closed_ = false;
};

}  // namespace ddtr::platform::windows::driver
