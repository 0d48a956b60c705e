#include "daemon/http/local_caller.hpp"

#include "daemon/policy/cidr.hpp"
#include "platform/user_credentials.hpp"

namespace ddtr::http {

LocalCaller local_caller(platform::SocketOwnerLookup& lookup, const IpAddress& listen_address, const Endpoint& local,
                         const Endpoint& peer) {
  // Off loopback every caller must show a token (check_http_exposure): a peer
  // socket found there would only be a local user bypassing that rule.
  if (!policy::canonical_address(listen_address).is_loopback()) return {};
  auto owner = lookup.tcp_peer_owner(local, peer);
  using Status = platform::SocketOwnerLookup::Owner::Status;
  if (owner.status == Status::Failed) return {};
  if (owner.status == Status::NoSuchSocket) return {LocalCaller::Kind::Gone, {}};
  platform::PeerCredentials user = platform::user_credentials(owner.uid);
  LocalCaller out{LocalCaller::Kind::Placed, {}};
  out.who.uid = user.uid;
  out.who.gid = user.gid;
  out.who.pid = 0;  // sock_diag does not say which process
  out.who.user_name = user.user_name;
  out.who.groups.assign(user.groups.begin(), user.groups.end());
  out.who.group_names = user.group_names;
  return out;
}

std::optional<std::uint32_t> local_owner_uid(platform::SocketOwnerLookup& lookup, const Endpoint& local,
                                             const Endpoint& peer) {
  auto owner = lookup.tcp_peer_owner(local, peer);
  if (owner.status != platform::SocketOwnerLookup::Owner::Status::Found) return std::nullopt;
  return owner.uid;
}

}  // namespace ddtr::http
