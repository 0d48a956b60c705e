// Who may run now. Per principal (a local user, or an HTTP token): a token
// bucket (rate), a number of running traces and a bounded queue; for the
// daemon: a number of running traces and a bounded queue. A freed slot goes to
// the waiting principal who runs the fewest traces, so one user's backlog of
// 500 never delays another user's single trace by more than one slot's turn.
// Plain logic with an injected clock, used on one thread (the RPC loop);
// `start` callbacks run on that thread too.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "daemon/policy/role.hpp"

namespace ddtr::policy {

struct GlobalLimits {
  int concurrent_traces = 64;
  int queued_traces = 10'000;
};

class Admission {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  struct Impl;

  // Owns one admitted request: queued, then running. Destroying it (the call
  // finished, or its client went away) frees its queue place or its slot.
  class Ticket {
   public:
    Ticket() = default;
    Ticket(Ticket&&) noexcept = default;
    Ticket& operator=(Ticket&& other) noexcept;
    ~Ticket();
    bool running() const;
    void release();

   private:
    friend class Admission;
    struct State;
    Ticket(std::weak_ptr<Impl> owner, std::shared_ptr<State> state);
    std::weak_ptr<Impl> owner_;
    std::shared_ptr<State> state_;
  };

  struct Usage {
    int running = 0;
    int queued = 0;
    double tokens = 0;  // traces that may start now before the rate limit bites
  };

  explicit Admission(GlobalLimits global, Clock clock = [] { return std::chrono::steady_clock::now(); });
  ~Admission();

  // A reload: lower limits take effect as running traces finish.
  void set_global(GlobalLimits global);

  // Throws Error(QUOTA_EXCEEDED) naming the limit. Otherwise `start` runs once,
  // now or when a slot frees for this user, unless the ticket dies first.
  Ticket submit(std::uint64_t principal, std::string_view user_name, Role role, const RoleLimits& limits,
                std::function<void()> start);

  Usage usage(std::uint64_t principal, const RoleLimits& limits) const;
  int running() const;
  int queued() const;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace ddtr::policy
