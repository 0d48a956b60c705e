// Who owns the local socket at the other end of a TCP connection this process
// accepted: the HTTP API asks it for callers on a loopback listener, so that a
// local user is judged as that user, exactly as over the Unix socket. Linux
// answers through NETLINK_SOCK_DIAG; other systems say "unknown" (the caller
// then stays anonymous).
#pragma once

#include <cstdint>

#include "shared/common/ip_address.hpp"

namespace ddtr::platform {

class SocketOwnerLookup {
 public:
  // Opens the query socket now, in this process's network namespace (the
  // listener's, where a loopback peer's socket lives). Never throws: when it
  // cannot, every lookup answers "unknown".
  SocketOwnerLookup();
  ~SocketOwnerLookup();
  SocketOwnerLookup(const SocketOwnerLookup&) = delete;
  SocketOwnerLookup& operator=(const SocketOwnerLookup&) = delete;

  bool available() const { return fd_ >= 0; }

  struct Owner {
    enum class Status {
      Found,         // `uid` created the peer's socket, which is open
      NoSuchSocket,  // the kernel has no open socket with that 4-tuple: closed,
                     // orphaned, in TIME_WAIT, or another host's
      Failed,        // could not ask (no query socket, an error, no answer)
    };
    Status status = Status::Failed;
    std::uint32_t uid = 0;
  };

  // The owner of the TCP socket whose local end is `peer` and remote end is
  // `local` (the accepted connection seen from the other side).
  Owner tcp_peer_owner(const Endpoint& local, const Endpoint& peer);

 private:
  int fd_ = -1;
  [[maybe_unused]] std::uint32_t sequence_ = 0;  // netlink sequence numbers (Linux only; clang: unused elsewhere)
};

}  // namespace ddtr::platform
