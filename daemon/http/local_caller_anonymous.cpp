// Windows: no socket-owner query and no uid (socket_owner_none), so every HTTP
// caller stays anonymous or is its bearer token; local_caller.cpp's
// password-database lookup has no counterpart to link.
#include "daemon/http/local_caller.hpp"

namespace ddtr::http {

LocalCaller local_caller(platform::SocketOwnerLookup&, const IpAddress&, const Endpoint&, const Endpoint&) {
  return {};
}

std::optional<std::uint32_t> local_owner_uid(platform::SocketOwnerLookup&, const Endpoint&, const Endpoint&) {
  return std::nullopt;
}

}  // namespace ddtr::http
