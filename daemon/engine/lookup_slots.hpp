// Who may send a name lookup now: at most `per_principal` lookups in flight per
// principal (a local user, an HTTP principal) and `global` daemon-wide. The
// rest wait their turn, first come first served within a principal, principals
// in turn when a daemon-wide slot frees, so one user's slow names delay only
// that user. Engine thread only (no locks); no IO, so it is tested on its own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <unordered_map>

namespace ddtr::engine {

class LookupSlots {
 public:
  using Ticket = std::uint64_t;
  using Start = std::function<void()>;

  LookupSlots(std::size_t per_principal, std::size_t global);

  // Calls `start` now (inside this call) or once a slot frees (inside a later
  // release()). Each ticket must be released once: when its lookup ends, or
  // to give up its place in line.
  Ticket acquire(std::uint64_t principal, Start start);
  void release(Ticket ticket);

  std::size_t in_flight() const { return in_flight_; }
  std::size_t waiting() const;
  std::size_t in_flight(std::uint64_t principal) const;

 private:
  struct Waiter {
    Ticket ticket;
    Start start;
  };
  struct Principal {
    std::size_t in_flight = 0;
    std::deque<Waiter> waiting;
  };
  // Moves waiters into free slots; returns the starts to call.
  std::deque<Start> admit();

  std::size_t per_principal_;
  std::size_t global_;
  std::size_t in_flight_ = 0;
  Ticket next_ticket_ = 1;
  std::unordered_map<std::uint64_t, Principal> principals_;  // entries with lookups in flight or waiting
  std::unordered_map<Ticket, std::uint64_t> running_;        // ticket -> principal
  std::deque<std::uint64_t> turns_;                          // principals with waiters, next served first
};

}  // namespace ddtr::engine
