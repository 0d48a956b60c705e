// The local user behind an HTTP connection: on a loopback listener the peer's
// socket is on this host, and the kernel knows who created it. That user is
// then judged as over the Unix socket (roles, access.denied, per-uid quotas,
// audit uid); a caller it cannot place stays anonymous.
#pragma once

#include <cstdint>
#include <optional>

#include "daemon/policy/identity.hpp"
#include "platform/socket_owner.hpp"

namespace ddtr::http {

struct LocalCaller {
  enum class Kind {
    Anonymous,  // not a loopback listener, or the owner could not be asked
    Placed,     // `who` owns the peer's open socket
    // A loopback peer whose socket is no longer open. It cannot be told from
    // a user who sent a request and closed at once to dodge being placed (a
    // denied user would then pass as anonymous), and nobody is left to read
    // the answer: the request is refused.
    Gone,
  };
  Kind kind = Kind::Anonymous;
  policy::Identity who;  // Placed only
};

// `local` and `peer`: the accepted connection's two ends.
LocalCaller local_caller(platform::SocketOwnerLookup& lookup, const IpAddress& listen_address, const Endpoint& local,
                         const Endpoint& peer);

// Only the uid owning the peer's open socket: what the connection quota
// counts under at accept (no password-database lookup for a connection that
// may never send a request). On any listener: a socket found is on this host,
// and counting a local user by uid instead of by the host's address keeps the
// others' share theirs (it places nobody in the policy). Nothing when the
// owner is unknown or the socket is not on this host.
std::optional<std::uint32_t> local_owner_uid(platform::SocketOwnerLookup& lookup, const Endpoint& local,
                                             const Endpoint& peer);

}  // namespace ddtr::http
