#include "platform/windows/pipe/pipe_stream.hpp"

#include <memory>

#include "platform/windows/common/win_error.hpp"
#include "platform/windows/pipe/pipe_security.hpp"
#include "shared/common/error.hpp"

namespace ddtr::platform::windows::pipe {

PipeStream::PipeStream(UniqueHandle pipe, std::optional<PipeClientIdentity> peer)
    : pipe_(std::move(pipe)), peer_(std::move(peer)) {}

std::size_t PipeStream::transfer(bool write, void* data, std::size_t size) {
  UniqueHandle event(::CreateEventW(nullptr, TRUE, FALSE, nullptr));
  if (!event.valid()) throw_last_error("CreateEvent failed");
  OVERLAPPED ol{};
  ol.hEvent = event.get();
  DWORD n = 0;
  BOOL ok = write ? ::WriteFile(pipe_.get(), data, static_cast<DWORD>(size), nullptr, &ol)
                  : ::ReadFile(pipe_.get(), data, static_cast<DWORD>(size), nullptr, &ol);
  DWORD error = ok ? 0 : ::GetLastError();
  if (!ok && error != ERROR_IO_PENDING) {
    if (!write && (error == ERROR_BROKEN_PIPE || error == ERROR_PIPE_NOT_CONNECTED)) return 0;
    throw_win32(write ? "pipe write failed" : "pipe read failed", error);
  }
  // Wait for this operation (cancel() completes it with ERROR_OPERATION_ABORTED).
  if (!::GetOverlappedResult(pipe_.get(), &ol, &n, TRUE)) {
    error = ::GetLastError();
    if (!write && (error == ERROR_BROKEN_PIPE || error == ERROR_PIPE_NOT_CONNECTED)) return 0;
    throw_win32(write ? "pipe write failed" : "pipe read failed", error);
  }
  return n;
}

std::size_t PipeStream::read_some(std::span<std::uint8_t> buffer) {
  if (buffer.empty()) return 0;
  return transfer(false, buffer.data(), buffer.size());
}

void PipeStream::write_all(std::span<const std::uint8_t> bytes) {
  while (!bytes.empty()) {
    std::size_t n = transfer(true, const_cast<std::uint8_t*>(bytes.data()), bytes.size());
    bytes = bytes.subspan(n);
  }
}

void PipeStream::cancel() { ::CancelIoEx(pipe_.get(), nullptr); }

std::unique_ptr<PipeStream> connect_pipe(const std::wstring& name, std::uint32_t wait_ms) {
  auto until = ::GetTickCount64() + wait_ms;
  for (;;) {
    UniqueHandle h(::CreateFileW(name.c_str(), kClientAccess, 0, nullptr, OPEN_EXISTING,
                                 FILE_FLAG_OVERLAPPED | SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION, nullptr));
    if (h.valid()) return std::make_unique<PipeStream>(std::move(h), std::nullopt);
    DWORD error = ::GetLastError();
    std::uint64_t now = ::GetTickCount64();
    if (error == ERROR_PIPE_BUSY && now < until) {
      ::WaitNamedPipeW(name.c_str(), static_cast<DWORD>(until - now));
      continue;
    }
    Error e(ErrorCode::DaemonUnavailable, "cannot connect to the daemon's pipe: " + system_message(error));
    throw e;
  }
}

}  // namespace ddtr::platform::windows::pipe
