// The daemon-wide cap on probes in flight (sent, not yet answered or given
// up on), shared by every run, lowest TTL first.
//
// Each run keeps its own window; this bounds their sum. Under it nothing
// changes. At it, the next free slot goes to the waiting run whose next TTL
// is the lowest: every run then progresses TTL by TTL together, so a run's
// destination usually answers before its deeper TTLs get a slot, and those
// are never sent. That removes the probes past the destination that a burst
// of many traces would otherwise send (15 per 9-hop trace at -m 15, against
// 9 for a tool probing one TTL at a time), which is both the daemon's CPU
// (sendto() carries the kernel's work) and the network's load.
//
// Under contention the cap is shared fairly: each running trace's window is its
// share of the cap (cap / running traces, at least one, at most its own
// window). A lone trace keeps its whole window (16: one round trip for a
// 16-hop path); a thousand traces get one probe in flight each and advance one
// TTL per round trip, as scamper does, so they send no probe past their
// destination: at the cap the network, not the daemon, sets the pace anyway.
// A silent hop does not stall a run of window one: after the adaptive floor
// its probe no longer holds a place in the window (ParallelRun::holding).
//
// A slot is a lease: it comes back when its probe resolves, or after `lease`
// at the latest, so silent hops (common on real paths) cannot hold the cap
// shut for a whole --timeout; the probe itself still waits as its run says.
// Engine thread only: no locks.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <utility>

namespace ddtr::engine {

inline constexpr int kDefaultMaxInFlight = 1024;
// The adaptive wait's floor: a probe unanswered by then is likely a silent hop.
inline constexpr std::chrono::milliseconds kDefaultSlotLease{500};
inline constexpr int kMinFairShare = 1;

class InFlightLimit {
 public:
  using Lease = std::uint64_t;
  using Ticket = std::pair<int, std::uint64_t>;  // (TTL, arrival): lowest first
  using Granted = std::function<void(Lease)>;
  using Clock = std::chrono::steady_clock;

  // limit <= 0: no cap (leases are still handed out, and cost nothing).
  InFlightLimit(boost::asio::io_context& io, int limit, std::chrono::milliseconds lease = kDefaultSlotLease);

  // Takes a slot for a probe of `ttl` now if one is free and no waiter with a
  // lower TTL is ahead.
  std::optional<Lease> try_take(int ttl);
  // Queues for a slot; `granted` runs later (posted) holding it. Cancel with
  // the ticket while it has not run.
  Ticket wait(int ttl, Granted granted);
  // Forgets a waiter; true if it was still queued (so no slot was taken for it).
  bool cancel(const Ticket& ticket);
  // The probe resolved or will not be sent: its slot goes back (if its lease
  // has not run out already) to the lowest waiting TTL. Twice is harmless.
  void give_back(Lease lease);

  // A running trace's claim on its fair share, from its first send to its end.
  class Member {
   public:
    Member() = default;
    explicit Member(std::shared_ptr<InFlightLimit> limit) : limit_(std::move(limit)) {
      if (limit_) ++limit_->members_;
    }
    Member(Member&& other) noexcept : limit_(std::move(other.limit_)) {}
    Member& operator=(Member&& other) noexcept {
      if (this != &other) {
        reset();
        limit_ = std::move(other.limit_);
      }
      return *this;
    }
    Member(const Member&) = delete;
    Member& operator=(const Member&) = delete;
    ~Member() { reset(); }
    void reset() {
      if (limit_) --limit_->members_;
      limit_.reset();
    }

   private:
    std::shared_ptr<InFlightLimit> limit_;
  };

  // The window each running trace may use now: the cap shared among them
  // (kMinFairShare at least); no cap: unbounded.
  int fair_share() const;
  int members() const { return members_; }

  int in_flight() const { return in_flight_; }
  std::size_t waiting() const { return waiters_.size(); }

 private:
  struct Held {
    Clock::time_point expires;
    bool held = true;
  };
  Lease take();
  void hand_out();
  void expire_leases();

  boost::asio::io_context& io_;
  int limit_;
  std::chrono::milliseconds lease_;
  int in_flight_ = 0;
  int members_ = 0;
  std::uint64_t arrivals_ = 0;
  std::map<Ticket, Granted> waiters_;
  // Leases in the order taken, which is their expiry order: front is `first_`.
  std::deque<Held> leases_;
  Lease first_ = 0;
  boost::asio::steady_timer lease_timer_;
  bool timer_armed_ = false;
};

}  // namespace ddtr::engine
