#include "daemon/engine/in_flight_limit.hpp"

#include <boost/asio/post.hpp>
#include <algorithm>
#include <limits>

namespace ddtr::engine {

InFlightLimit::InFlightLimit(boost::asio::io_context& io, int limit, std::chrono::milliseconds lease)
    : io_(io), limit_(limit), lease_(lease), lease_timer_(io) {}

int InFlightLimit::fair_share() const {
  if (limit_ <= 0) return std::numeric_limits<int>::max();
  return std::max(kMinFairShare, limit_ / std::max(1, members_));
}

std::optional<InFlightLimit::Lease> InFlightLimit::try_take(int ttl) {
  if (limit_ > 0) {
    if (in_flight_ >= limit_) return std::nullopt;
    if (!waiters_.empty() && waiters_.begin()->first.first < ttl) return std::nullopt;
  }
  return take();
}

InFlightLimit::Lease InFlightLimit::take() {
  if (limit_ <= 0) return 0;  // no cap: nothing to count
  ++in_flight_;
  Lease id = first_ + leases_.size();
  leases_.push_back(Held{Clock::now() + lease_});
  if (!timer_armed_) {
    // Batched: one wake-up per 10 ms of expiries, not one per probe.
    timer_armed_ = true;
    lease_timer_.expires_at(leases_.front().expires + std::chrono::milliseconds(10));
    lease_timer_.async_wait([this](const boost::system::error_code& ec) {
      timer_armed_ = false;
      if (!ec) expire_leases();
    });
  }
  return id;
}

InFlightLimit::Ticket InFlightLimit::wait(int ttl, Granted granted) {
  Ticket ticket{ttl, arrivals_++};
  waiters_.emplace(ticket, std::move(granted));
  hand_out();  // a slot may be free already (the caller lost only to a lower TTL)
  return ticket;
}

bool InFlightLimit::cancel(const Ticket& ticket) { return waiters_.erase(ticket) > 0; }

void InFlightLimit::give_back(Lease lease) {
  if (limit_ <= 0) return;
  if (lease < first_ || lease >= first_ + leases_.size()) return;  // expired already
  Held& h = leases_[static_cast<std::size_t>(lease - first_)];
  if (!h.held) return;
  h.held = false;
  --in_flight_;
  // Returned leases at the front are done with; later ones wait their turn.
  while (!leases_.empty() && !leases_.front().held) {
    leases_.pop_front();
    ++first_;
  }
  hand_out();
}

void InFlightLimit::expire_leases() {
  auto now = Clock::now();
  while (!leases_.empty() && leases_.front().expires <= now) {
    if (leases_.front().held) --in_flight_;
    leases_.pop_front();
    ++first_;
  }
  hand_out();
  if (!leases_.empty() && !timer_armed_) {
    timer_armed_ = true;
    lease_timer_.expires_at(leases_.front().expires + std::chrono::milliseconds(10));
    lease_timer_.async_wait([this](const boost::system::error_code& ec) {
      timer_armed_ = false;
      if (!ec) expire_leases();
    });
  }
}

void InFlightLimit::hand_out() {
  while (!waiters_.empty() && (limit_ <= 0 || in_flight_ < limit_)) {
    auto node = waiters_.extract(waiters_.begin());
    Lease lease = take();
    // Posted: the waiter's run sends from a fresh stack frame, not inside the
    // answer or the timer of the run that freed the slot.
    boost::asio::post(io_, [granted = std::move(node.mapped()), lease] { granted(lease); });
  }
}

}  // namespace ddtr::engine
