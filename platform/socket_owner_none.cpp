// Systems without a socket-owner query (macOS, Windows): every HTTP caller
// stays anonymous, as before.
#include "platform/socket_owner.hpp"

namespace ddtr::platform {

SocketOwnerLookup::SocketOwnerLookup() = default;
SocketOwnerLookup::~SocketOwnerLookup() = default;

SocketOwnerLookup::Owner SocketOwnerLookup::tcp_peer_owner(const Endpoint&, const Endpoint&) { return {}; }

}  // namespace ddtr::platform
