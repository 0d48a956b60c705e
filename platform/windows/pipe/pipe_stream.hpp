// One connected instance of a byte-mode named pipe as a plain byte stream:
// blocking reads and writes over overlapped I/O, cancellable from another
// thread, the peer's identity when this is the server end. Whatever runs on
// top (Cap'n Proto's two-party protocol) needs only this. Windows only.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <span>

#include "platform/windows/common/unique_handle.hpp"
#include "platform/windows/pipe/pipe_identity.hpp"

namespace ddtr::platform::windows::pipe {

class PipeStream {
 public:
  PipeStream(UniqueHandle pipe, std::optional<PipeClientIdentity> peer);
  PipeStream(const PipeStream&) = delete;
  PipeStream& operator=(const PipeStream&) = delete;

  // Up to buffer.size() bytes, at least one; 0 when the other end has closed.
  // Throws ddtr::Error (operation aborted after cancel()).
  std::size_t read_some(std::span<std::uint8_t> buffer);
  void write_all(std::span<const std::uint8_t> bytes);
  // Makes a blocked read or write in another thread return. Thread-safe.
  void cancel();

  // Set on the server end: who connected.
  const std::optional<PipeClientIdentity>& peer() const { return peer_; }
  HANDLE native() const { return pipe_.get(); }

 private:
  std::size_t transfer(bool write, void* data, std::size_t size);

  UniqueHandle pipe_;
  std::optional<PipeClientIdentity> peer_;
};

// The client side: opens `name` (waiting up to `wait_ms` while every instance
// is busy) with only the rights the pipe grants users, at identification
// level (the daemon may read who we are, never act as us). Throws ddtr::Error
// with code DaemonUnavailable when no daemon serves the pipe.
std::unique_ptr<PipeStream> connect_pipe(const std::wstring& name, std::uint32_t wait_ms = 5000);

}  // namespace ddtr::platform::windows::pipe
