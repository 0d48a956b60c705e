// The local user behind an HTTP connection: on a loopback listener the peer's
// socket is on this host, and the kernel knows who created it. That user is
// then judged as over the Unix socket (roles, access.denied, per-uid quotas,
// audit uid); a caller it cannot place stays anonymous.
#pragma once

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

}  // namespace ddtr::http
