// Open connections per user and in all, so one user cannot hold every file
// descriptor of the daemon. Users are keyed by policy::principal_key (the uid
// on Unix, the hashed SID on Windows). RPC thread only.
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
    Lease(std::shared_ptr<ConnectionRegistry*> owner, std::uint64_t key);
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();

   private:
    std::weak_ptr<ConnectionRegistry*> owner_;
    std::uint64_t key_;
  };

  ConnectionRegistry() : self_(std::make_shared<ConnectionRegistry*>(this)) {}
  ConnectionRegistry(const ConnectionRegistry&) = delete;
  ConnectionRegistry& operator=(const ConnectionRegistry&) = delete;

  std::unique_ptr<Lease> open(std::uint64_t key);
  int of_user(std::uint64_t key) const;
  int total() const { return total_; }

 private:
  void close(std::uint64_t key);

  std::unordered_map<std::uint64_t, int> per_user_;
  int total_ = 0;
  // Leases may outlive the registry at shutdown; they reach it through this.
  std::shared_ptr<ConnectionRegistry*> self_;
};

}  // namespace ddtr::rpcserver
