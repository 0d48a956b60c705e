#include "daemon/rpc/buffered_io_stream.hpp"

#include <algorithm>
#include <cstring>

namespace ddtr::rpcserver {

std::size_t BufferedIoStream::take(kj::byte* out, std::size_t max_bytes) {
  std::size_t n = std::min(end_ - begin_, max_bytes);
  if (n > 0) std::memcpy(out, buffer_.begin() + begin_, n);
  begin_ += n;
  if (begin_ == end_) begin_ = end_ = 0;
  return n;
}

kj::Promise<std::size_t> BufferedIoStream::tryRead(void* buffer, std::size_t min_bytes, std::size_t max_bytes) {
  auto* out = static_cast<kj::byte*>(buffer);
  std::size_t have = take(out, max_bytes);
  if (have >= min_bytes) return have;
  out += have;
  min_bytes -= have;
  max_bytes -= have;
  if (max_bytes >= kReadBufferBytes) {
    // As large as the buffer: no copy through it.
    return inner_.tryRead(out, min_bytes, max_bytes).then([have](std::size_t n) { return have + n; });
  }
  if (buffer_.size() == 0) buffer_ = kj::heapArray<kj::byte>(kReadBufferBytes);
  // The buffer is empty here (take() drained it): fill it with what has come.
  return inner_.tryRead(buffer_.begin(), min_bytes, buffer_.size()).then([this, out, have, max_bytes](std::size_t n) {
    end_ = n;
    begin_ = 0;
    // Fewer than min_bytes only at the end of the stream: the caller sees it.
    return have + take(out, max_bytes);
  });
}

}  // namespace ddtr::rpcserver
