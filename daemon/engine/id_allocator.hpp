// Probe identities (ICMP echo ids today; ports and sequence bases later) handed
// out daemon-wide, so concurrent traces never share one and a reply is never
// attributed to another user's trace. A lease returns its id when destroyed.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace ddtr::engine {

class IdAllocator;

class IdLease {
 public:
  IdLease() = default;
  IdLease(IdLease&& other) noexcept;
  IdLease& operator=(IdLease&& other) noexcept;
  IdLease(const IdLease&) = delete;
  IdLease& operator=(const IdLease&) = delete;
  ~IdLease();

  std::uint16_t id() const noexcept { return id_; }

 private:
  friend class IdAllocator;
  IdLease(std::shared_ptr<IdAllocator> owner, std::uint16_t id) : owner_(std::move(owner)), id_(id) {}
  std::shared_ptr<IdAllocator> owner_;
  std::uint16_t id_ = 0;
};

// Ids 1..65535, starting at 1 like upstream's process counter, skipping ids in
// use. Thread-safe. Must be owned by a shared_ptr (leases keep it alive).
class IdAllocator : public std::enable_shared_from_this<IdAllocator> {
 public:
  IdAllocator();
  // std::nullopt when all 65535 ids are leased.
  std::optional<IdLease> lease();
  std::size_t in_use() const;

  // The platform reserves a run's port (a bound socket holds it); the
  // allocator only counts the reservations runs hold, so `info` can show that
  // none outlives its trace. The result owns `reservation` and releases it,
  // then the count, when destroyed.
  std::shared_ptr<void> count_port(std::shared_ptr<void> reservation);
  std::size_t ports_held() const;

 private:
  friend class IdLease;
  void release(std::uint16_t id);
  struct PortHold;  // what count_port() hands out

  mutable std::mutex mutex_;
  std::vector<bool> used_;
  std::uint16_t next_ = 1;
  std::size_t in_use_ = 0;
  std::size_t ports_held_ = 0;
};

}  // namespace ddtr::engine
