#include "daemon/rpc/connection_registry.hpp"

namespace ddtr::rpcserver {

ConnectionRegistry::Lease::Lease(std::shared_ptr<ConnectionRegistry*> owner, std::uint32_t uid)
    : owner_(owner), uid_(uid) {}

ConnectionRegistry::Lease::~Lease() {
  if (auto owner = owner_.lock()) (*owner)->close(uid_);
}

std::unique_ptr<ConnectionRegistry::Lease> ConnectionRegistry::open(std::uint32_t uid) {
  ++per_user_[uid];
  ++total_;
  return std::make_unique<Lease>(self_, uid);
}

int ConnectionRegistry::of_user(std::uint32_t uid) const {
  auto it = per_user_.find(uid);
  return it == per_user_.end() ? 0 : it->second;
}

void ConnectionRegistry::close(std::uint32_t uid) {
  --total_;
  if (auto it = per_user_.find(uid); it != per_user_.end() && --it->second <= 0) per_user_.erase(it);
}

}  // namespace ddtr::rpcserver
