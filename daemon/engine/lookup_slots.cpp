#include "daemon/engine/lookup_slots.hpp"

#include <algorithm>

namespace ddtr::engine {

LookupSlots::LookupSlots(std::size_t per_principal, std::size_t global)
    : per_principal_(std::max<std::size_t>(per_principal, 1)), global_(std::max<std::size_t>(global, 1)) {}

LookupSlots::Ticket LookupSlots::acquire(std::uint64_t principal, Start start) {
  Ticket ticket = next_ticket_++;
  Principal& entry = principals_[principal];
  if (entry.waiting.empty() && entry.in_flight < per_principal_ && in_flight_ < global_) {
    ++entry.in_flight;
    ++in_flight_;
    running_.emplace(ticket, principal);
    start();
    return ticket;
  }
  if (entry.waiting.empty()) turns_.push_back(principal);
  entry.waiting.push_back(Waiter{ticket, std::move(start)});
  return ticket;
}

void LookupSlots::release(Ticket ticket) {
  if (auto it = running_.find(ticket); it != running_.end()) {
    auto principal = principals_.find(it->second);
    running_.erase(it);
    --in_flight_;
    --principal->second.in_flight;
    if (principal->second.in_flight == 0 && principal->second.waiting.empty()) principals_.erase(principal);
  } else {
    // A waiter giving up its place.
    for (auto entry = principals_.begin(); entry != principals_.end(); ++entry) {
      auto& waiting = entry->second.waiting;
      auto found = std::find_if(waiting.begin(), waiting.end(), [ticket](const Waiter& w) { return w.ticket == ticket; });
      if (found == waiting.end()) continue;
      waiting.erase(found);
      if (waiting.empty()) {
        turns_.erase(std::find(turns_.begin(), turns_.end(), entry->first));
        if (entry->second.in_flight == 0) principals_.erase(entry);
      }
      return;  // a place freed in line frees no slot
    }
    return;
  }
  // Every state change is done before any start runs: a start may acquire or
  // release again.
  for (auto& start : admit()) start();
}

std::deque<LookupSlots::Start> LookupSlots::admit() {
  std::deque<Start> starts;
  // Rounds over the principals in line, one lookup each per round, until the
  // slots are full or nobody in line may start.
  bool progressed = true;
  while (progressed && in_flight_ < global_ && !turns_.empty()) {
    progressed = false;
    for (std::size_t round = turns_.size(); round > 0 && in_flight_ < global_; --round) {
      std::uint64_t principal = turns_.front();
      turns_.pop_front();
      Principal& entry = principals_[principal];
      if (entry.in_flight < per_principal_) {
        Waiter waiter = std::move(entry.waiting.front());
        entry.waiting.pop_front();
        ++entry.in_flight;
        ++in_flight_;
        running_.emplace(waiter.ticket, principal);
        starts.push_back(std::move(waiter.start));
        progressed = true;
      }
      if (!entry.waiting.empty()) turns_.push_back(principal);
    }
  }
  return starts;
}

std::size_t LookupSlots::waiting() const {
  std::size_t count = 0;
  for (const auto& [principal, entry] : principals_) count += entry.waiting.size();
  return count;
}

std::size_t LookupSlots::in_flight(std::uint64_t principal) const {
  auto it = principals_.find(principal);
  return it == principals_.end() ? 0 : it->second.in_flight;
}

}  // namespace ddtr::engine
