#include "platform/windows/driver/iocp_reader.hpp"

#include <chrono>
#include <cstddef>
#include <string>

#include "platform/windows/common/win_error.hpp"
#include "shared/common/error.hpp"

namespace ddtr::platform::windows::driver {
namespace {

// Completion key of wake-ups posted by wake(); reads carry key 0, as upstream
// binds the handle.
constexpr ULONG_PTR kWakeKey = 1;

}  // namespace

// OVERLAPPED first, as upstream's readbuffer: the completion's OVERLAPPED
// pointer leads back to its buffer.
struct IocpReader::ReadBuffer {
  OVERLAPPED ol{};
  std::vector<std::uint8_t> data;
  bool pending = false;
  explicit ReadBuffer(std::size_t size) : data(size, 0) {}
};

IocpReader::IocpReader(UniqueHandle handle, IocpReaderOptions options) : handle_(std::move(handle)) {
  iocp_.reset(::CreateIoCompletionPort(handle_.get(), nullptr, 0, 0));
  if (!iocp_.valid()) throw_last_error("error creating IO completion port");
  buffers_.reserve(options.buffer_count);
  try {
    for (std::size_t i = 0; i < options.buffer_count; ++i) {
      buffers_.push_back(std::make_unique<ReadBuffer>(options.buffer_size));
      post(*buffers_.back());
    }
  } catch (...) {
    // Reads already posted own their buffers until cancelled and completed.
    try {
      close();
    } catch (const std::exception&) {
      // The first failure is the one to report.
    }
    throw;
  }
}

IocpReader::~IocpReader() {
  try {
    close();
  } catch (const std::exception&) {
    // Nothing to tell a destructor's caller; the handles are closed regardless.
  }
}

void IocpReader::post(ReadBuffer& buffer) {
  buffer.ol = OVERLAPPED{};
  {
    std::lock_guard lock(mutex_);
    buffer.pending = true;
    ++pending_;
  }
  // Not-NULL bytes pointer is not allowed with an OVERLAPPED on an async
  // handle; the count comes with the completion.
  if (!::ReadFile(handle_.get(), buffer.data.data(), static_cast<DWORD>(buffer.data.size()), nullptr, &buffer.ol)) {
    DWORD error = ::GetLastError();
    if (error != ERROR_IO_PENDING) {
      {
        std::lock_guard lock(mutex_);
        buffer.pending = false;
        --pending_;
      }
      throw_win32("failed to initiate readfile", error);
    }
  }
}

IocpReader::Dequeued IocpReader::dequeue(std::uint32_t timeout_ms) {
  DWORD bytes = 0;
  ULONG_PTR key = 0;
  OVERLAPPED* ol = nullptr;
  BOOL ok = ::GetQueuedCompletionStatus(iocp_.get(), &bytes, &key, &ol, timeout_ms);
  DWORD error = ok ? 0 : ::GetLastError();
  if (ol == nullptr) {
    if (ok && key == kWakeKey) return Dequeued{nullptr, true, 0, 0};
    if (error == WAIT_TIMEOUT) return Dequeued{};
    throw_win32("could not get queued completion status", error);
  }
  auto* buffer = reinterpret_cast<ReadBuffer*>(reinterpret_cast<char*>(ol) - offsetof(ReadBuffer, ol));
  {
    std::lock_guard lock(mutex_);
    buffer->pending = false;
    --pending_;
  }
  return Dequeued{buffer, false, error, bytes};
}

bool IocpReader::read(std::uint32_t timeout_ms, const std::function<void(std::span<const std::uint8_t>)>& consume) {
  Dequeued got;
  {
    std::lock_guard lock(mutex_);
    if (closed_) throw Error(ErrorCode::Unknown, "could not get queued completion status: the source is closed");
    if (!ready_.empty()) {
      got = ready_.front();
      ready_.pop_front();
    }
  }
  if (got.buffer == nullptr) got = dequeue(timeout_ms);
  if (got.woken) {
    // The wake-up was meant for a waiting thread: hand it on.
    wake();
    return false;
  }
  if (got.buffer == nullptr) return false;
  // A message longer than the buffer fills it (the driver's packets are
  // truncated the same way); any other failure ends the read path.
  if (got.error != 0 && got.error != ERROR_MORE_DATA) throw_win32("could not get queued completion status", got.error);
  std::size_t length = got.error == ERROR_MORE_DATA ? got.buffer->data.size() : got.bytes;
  consume(std::span<const std::uint8_t>(got.buffer->data.data(), length));
  post(*got.buffer);
  return true;
}

bool IocpReader::wait_ready(std::uint32_t timeout_ms) {
  Dequeued got = dequeue(timeout_ms);
  if (got.buffer == nullptr) return false;
  std::lock_guard lock(mutex_);
  ready_.push_back(got);
  return true;
}

void IocpReader::wake() { ::PostQueuedCompletionStatus(iocp_.get(), 0, kWakeKey, nullptr); }

std::size_t IocpReader::pending_reads() const {
  std::lock_guard lock(mutex_);
  return pending_;
}

IocpCloseReport IocpReader::close(std::uint32_t grace_ms) {
  IocpCloseReport report;
  {
    std::lock_guard lock(mutex_);
    if (closed_) return report;
    closed_ = true;
    ready_.clear();
  }
  std::uint32_t failure = 0;
  std::string failure_what;
  auto note = [&](bool ok, const char* what) {
    if (!ok && failure == 0) {
      failure = ::GetLastError();
      failure_what = what;
    }
  };
  // ERROR_NOT_FOUND: nothing was pending to cancel.
  note(::CancelIoEx(handle_.get(), nullptr) != 0 || ::GetLastError() == ERROR_NOT_FOUND,
       "error cancelling DNS io completion");
  // Every cancelled read still completes to the port; until it has, its
  // buffer may be written by the kernel.
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(grace_ms);
  while (pending_reads() > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    try {
      Dequeued got = dequeue(static_cast<std::uint32_t>(left.count()));
      if (got.buffer != nullptr) ++report.returned_reads;
      else if (!got.woken) break;  // timed out
    } catch (const Error&) {
      break;
    }
  }
  note(iocp_.close(), "error closing DNS io completion handle");
  note(handle_.close(), "error closing driver DNS h");
  // Buffers last: a read the kernel never gave back keeps its memory.
  std::size_t leaked = 0;
  for (auto& buffer : buffers_) {
    if (buffer->pending) {
      (void)buffer.release();
      ++leaked;
    }
  }
  buffers_.clear();
  report.abandoned_reads = leaked;
  {
    std::lock_guard lock(mutex_);
    pending_ = 0;
  }
  if (failure != 0) throw_win32(failure_what, failure);
  return report;
}

}  // namespace ddtr::platform::windows::driver
