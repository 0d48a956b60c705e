#include "daemon/http/local_caller.hpp"

#include "daemon/policy/cidr.hpp"
#include "platform/user_credentials.hpp"

namespace ddtr::http {

std::optional<policy::Identity> local_caller(platform::SocketOwnerLookup& lookup, const IpAddress& listen_address,
                                             const Endpoint& local, const Endpoint& peer) {
  // Off loopback every caller must show a token (check_http_exposure): a peer
  // socket found there would only be a local user bypassing that rule.
  if (!policy::canonical_address(listen_address).is_loopback()) return std::nullopt;
  auto uid = lookup.tcp_peer_uid(local, peer);
  if (!uid) return std::nullopt;
  platform::PeerCredentials user = platform::user_credentials(*uid);
  policy::Identity who;
  who.uid = user.uid;
  who.gid = user.gid;
  who.pid = 0;  // sock_diag does not say which process
  who.user_name = user.user_name;
  who.groups.assign(user.groups.begin(), user.groups.end());
  who.group_names = user.group_names;
  return who;
}

}  // namespace ddtr::http
