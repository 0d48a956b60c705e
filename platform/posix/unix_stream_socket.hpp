// An AF_UNIX stream socket, close-on-exec from the start, optionally
// non-blocking. Linux sets both flags in socket(2) itself (atomically: no
// fork+exec between socket and fcntl can inherit it); macOS has neither
// SOCK_CLOEXEC nor SOCK_NONBLOCK, so there fcntl(2) sets them at once after.
// Header-only: the client links no platform library.
#pragma once

#include <fcntl.h>
#include <sys/socket.h>

#include "platform/posix/unique_fd.hpp"

namespace ddtr::platform {

inline UniqueFd unix_stream_socket(bool nonblocking) {
#if defined(SOCK_CLOEXEC) && defined(SOCK_NONBLOCK)
  return UniqueFd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0), 0));
#else
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM, 0));
  if (!fd.valid()) return fd;
  if (::fcntl(fd.get(), F_SETFD, FD_CLOEXEC) != 0) return UniqueFd();
  if (nonblocking) {
    const int flags = ::fcntl(fd.get(), F_GETFL);
    if (flags < 0 || ::fcntl(fd.get(), F_SETFL, flags | O_NONBLOCK) != 0) return UniqueFd();
  }
#if defined(SO_NOSIGPIPE)
  // BSD has no MSG_NOSIGNAL for every send; a peer gone mid-write must not kill us.
  const int on = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof on);
#endif
  return fd;
#endif
}

}  // namespace ddtr::platform
