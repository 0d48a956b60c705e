#include "daemon/rpc/connection_registry.hpp"

namespace ddtr::rpcserver {

ConnectionRegistry::Lease::Lease(std::shared_ptr<ConnectionRegistry*> owner, std::uint64_t key)
    : owner_(owner), key_(key) {}

ConnectionRegistry::Lease::~Lease() {
  if (auto owner = owner_.lock()) (*owner)->close(key_);
}

std::unique_ptr<ConnectionRegistry::Lease> ConnectionRegistry::open(std::uint64_t key) {
  ++per_user_[key];
  ++total_;
  return std::make_unique<Lease>(self_, key);
}

int ConnectionRegistry::of_user(std::uint64_t key) const {
  auto it = per_user_.find(key);
  return it == per_user_.end() ? 0 : it->second;
}

void ConnectionRegistry::close(std::uint64_t key) {
  --total_;
  if (auto it = per_user_.find(key); it != per_user_.end() && --it->second <= 0) per_user_.erase(it);
}

}  // namespace ddtr::rpcserver
