// Open connections per user and in all, so one user cannot hold every file
// descriptor of the daemon. RPC thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>

namespace ddtr::rpcserver {

class ConnectionRegistry {
 public:
  // Counts one connection for as long as it lives.
  class Lease {
   public:
    Lease(std::shared_ptr<ConnectionRegistry*> owner, std::uint32_t uid);
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();

   private:
    std::weak_ptr<ConnectionRegistry*> owner_;
    std::uint32_t uid_;
  };

  ConnectionRegistry() : self_(std::make_shared<ConnectionRegistry*>(this)) {}
  ConnectionRegistry(const ConnectionRegistry&) = delete;
  ConnectionRegistry& operator=(const ConnectionRegistry&) = delete;

  std::unique_ptr<Lease> open(std::uint32_t uid);
  int of_user(std::uint32_t uid) const;
  int total() const { return total_; }

 private:
  void close(std::uint32_t uid);

  std::unordered_map<std::uint32_t, int> per_user_;
  int total_ = 0;
  // Leases may outlive the registry at shutdown; they reach it through this.
  std::shared_ptr<ConnectionRegistry*> self_;
};

}  // namespace ddtr::rpcserver
