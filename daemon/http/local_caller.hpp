// The local user behind an HTTP connection: on a loopback listener the peer's
// socket is on this host, and the kernel knows who created it. That user is
// then judged as over the Unix socket (roles, access.denied, per-uid quotas,
// audit uid); a caller it cannot place stays anonymous.
#pragma once

#include <optional>

#include "daemon/policy/identity.hpp"
#include "platform/socket_owner.hpp"

namespace ddtr::http {

// `local` and `peer`: the accepted connection's two ends. nullopt unless the
// listener is loopback and the peer's socket is found alive.
std::optional<policy::Identity> local_caller(platform::SocketOwnerLookup& lookup, const IpAddress& listen_address,
                                             const Endpoint& local, const Endpoint& peer);

}  // namespace ddtr::http
