#include "daemon/engine/id_allocator.hpp"

namespace ddtr::engine {

IdLease::IdLease(IdLease&& other) noexcept : owner_(std::move(other.owner_)), id_(other.id_) {}

IdLease& IdLease::operator=(IdLease&& other) noexcept {
  if (this != &other) {
    if (owner_) owner_->release(id_);
    owner_ = std::move(other.owner_);
    id_ = other.id_;
  }
  return *this;
}

IdLease::~IdLease() {
  if (owner_) owner_->release(id_);
}

IdAllocator::IdAllocator() : used_(65536, false) { used_[0] = true; }

std::optional<IdLease> IdAllocator::lease() {
  std::lock_guard lock(mutex_);
  if (in_use_ >= 65535) return std::nullopt;
  while (used_[next_]) next_ = static_cast<std::uint16_t>(next_ == 65535 ? 1 : next_ + 1);
  std::uint16_t id = next_;
  used_[id] = true;
  ++in_use_;
  next_ = static_cast<std::uint16_t>(id == 65535 ? 1 : id + 1);
  return IdLease(shared_from_this(), id);
}

std::size_t IdAllocator::in_use() const {
  std::lock_guard lock(mutex_);
  return in_use_;
}

// The reservation goes first, then the count: once `info` says 0, no port is
// held any more.
struct IdAllocator::PortHold {
  PortHold(std::shared_ptr<void> reservation, std::shared_ptr<IdAllocator> owner)
      : reservation(std::move(reservation)), owner(std::move(owner)) {}
  PortHold(const PortHold&) = delete;
  PortHold& operator=(const PortHold&) = delete;
  ~PortHold() {
    reservation.reset();
    std::lock_guard lock(owner->mutex_);
    --owner->ports_held_;
  }
  std::shared_ptr<void> reservation;
  std::shared_ptr<IdAllocator> owner;
};

std::shared_ptr<void> IdAllocator::count_port(std::shared_ptr<void> reservation) {
  {
    std::lock_guard lock(mutex_);
    ++ports_held_;
  }
  return std::make_shared<PortHold>(std::move(reservation), shared_from_this());
}

std::size_t IdAllocator::ports_held() const {
  std::lock_guard lock(mutex_);
  return ports_held_;
}

void IdAllocator::release(std::uint16_t id) {
  std::lock_guard lock(mutex_);
  if (used_[id]) {
    used_[id] = false;
    --in_use_;
  }
}

}  // namespace ddtr::engine
