// Systems without a socket-owner query (macOS, Windows): every HTTP caller
// stays anonymous, as before.
#include "platform/socket_owner.hpp"

namespace ddtr::platform {

SocketOwnerLookup::SocketOwnerLookup() = default;
SocketOwnerLookup::~SocketOwnerLookup() = default;

std::optional<std::uint32_t> SocketOwnerLookup::tcp_peer_uid(const Endpoint&, const Endpoint&) { return std::nullopt; }

}  // namespace ddtr::platform
