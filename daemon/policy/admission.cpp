#include "daemon/policy/admission.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "shared/common/error.hpp"

namespace ddtr::policy {

struct Admission::Ticket::State {
  std::uint64_t user = 0;
  int user_limit = 0;  // the role's concurrent_traces when submitted
  std::function<void()> start;
  bool running = false;
  bool done = false;
};

struct Admission::Impl {
  struct User {
    int running = 0;
    std::deque<std::shared_ptr<Ticket::State>> queue;
    double tokens = -1;  // < 0: never used, the bucket starts full
    std::chrono::steady_clock::time_point refilled{};
  };

  GlobalLimits global;
  Clock clock;
  std::unordered_map<std::uint64_t, User> users;
  std::deque<std::uint64_t> turns;  // users with queued traces, next first
  int running = 0;
  int queued = 0;
  bool pumping = false;
  bool pump_again = false;

  double refilled_tokens(const User& user, const RoleLimits& limits, std::chrono::steady_clock::time_point now) const {
    if (user.tokens < 0) return limits.burst;
    double elapsed_minutes = std::chrono::duration<double>(now - user.refilled).count() / 60.0;
    return std::min<double>(limits.burst, user.tokens + elapsed_minutes * limits.rate_per_minute);
  }

  void forget_if_idle(std::uint64_t id) {
    auto it = users.find(id);
    if (it == users.end()) return;
    // A used bucket must remember its level (or a user could reconnect for a
    // fresh burst), so only users who never got a token are forgotten. The map
    // is bounded by the uids that connected, which only root can multiply.
    if (it->second.running == 0 && it->second.queue.empty() && it->second.tokens < 0) users.erase(it);
  }

  // Starts queued traces while slots are free. Each free slot goes to the
  // waiting user who runs the fewest traces now (ties: the one waiting
  // longest for a turn), so slots are shared max-min fairly between users.
  void pump() {
    if (pumping) {
      pump_again = true;
      return;
    }
    pumping = true;
    do {
      pump_again = false;
      while (running < global.concurrent_traces) {
        auto best = turns.end();
        for (auto it = turns.begin(); it != turns.end(); ++it) {
          const User& user = users[*it];
          if (user.queue.empty() || user.running >= user.queue.front()->user_limit) continue;
          if (best == turns.end() || user.running < users[*best].running) best = it;
        }
        if (best == turns.end()) break;  // everyone waiting is at their own limit
        std::uint64_t id = *best;
        turns.erase(best);
        User& user = users[id];
        auto next = user.queue.front();
        user.queue.pop_front();
        --queued;
        ++user.running;
        ++running;
        next->running = true;
        if (!user.queue.empty()) turns.push_back(id);
        auto start = std::move(next->start);
        if (start) start();  // may re-enter through a ticket's release: pump_again
      }
    } while (pump_again);
    pumping = false;
  }

  void finish(const std::shared_ptr<Ticket::State>& state) {
    if (state->done) return;
    state->done = true;
    auto it = users.find(state->user);
    if (it == users.end()) return;
    User& user = it->second;
    if (state->running) {
      --user.running;
      --running;
    } else {
      auto pos = std::find(user.queue.begin(), user.queue.end(), state);
      if (pos != user.queue.end()) {
        user.queue.erase(pos);
        --queued;
      }
      if (user.queue.empty()) turns.erase(std::remove(turns.begin(), turns.end(), state->user), turns.end());
    }
    state->start = nullptr;
    forget_if_idle(state->user);
    pump();
  }
};

Admission::Ticket::Ticket(std::weak_ptr<Impl> owner, std::shared_ptr<State> state)
    : owner_(std::move(owner)), state_(std::move(state)) {}

Admission::Ticket& Admission::Ticket::operator=(Ticket&& other) noexcept {
  if (this != &other) {
    release();
    owner_ = std::move(other.owner_);
    state_ = std::move(other.state_);
  }
  return *this;
}

Admission::Ticket::~Ticket() { release(); }

bool Admission::Ticket::running() const { return state_ && state_->running && !state_->done; }

void Admission::Ticket::release() {
  if (!state_) return;
  auto state = std::move(state_);
  if (auto owner = owner_.lock()) owner->finish(state);
}

Admission::Admission(GlobalLimits global, Clock clock) : impl_(std::make_shared<Impl>()) {
  impl_->global = global;
  impl_->clock = std::move(clock);
}

Admission::~Admission() = default;

void Admission::set_global(GlobalLimits global) {
  impl_->global = global;
  impl_->pump();
}

Admission::Ticket Admission::submit(std::uint64_t id, std::string_view user_name, Role role, const RoleLimits& limits,
                                    std::function<void()> start) {
  std::string role_text(role_name(role));
  Impl& impl = *impl_;
  auto now = impl.clock();
  Impl::User& user = impl.users[id];
  auto refuse = [&](std::string message) -> Error {
    impl.forget_if_idle(id);
    return Error(ErrorCode::QuotaExceeded, std::move(message));
  };
  int held = user.running + static_cast<int>(user.queue.size());
  if (limits.concurrent_traces <= 0) {
    throw refuse("role \"" + role_text + "\" may run no traces (roles." + role_text + ".concurrent_traces is 0)");
  }
  if (held >= limits.concurrent_traces + limits.queued_traces) {
    throw refuse("user " + std::string(user_name) + " already has " + std::to_string(user.running) + " traces running and " +
                 std::to_string(user.queue.size()) + " waiting, the most role \"" + role_text + "\" allows (roles." +
                 role_text + ".concurrent_traces " + std::to_string(limits.concurrent_traces) + ", roles." + role_text +
                 ".queued_traces " + std::to_string(limits.queued_traces) + ")");
  }
  bool must_wait = user.running >= limits.concurrent_traces || impl.running >= impl.global.concurrent_traces;
  if (must_wait && impl.queued >= impl.global.queued_traces) {
    throw refuse("the daemon already has " + std::to_string(impl.queued) +
                 " traces waiting, its limit (global.queued_traces " + std::to_string(impl.global.queued_traces) + ")");
  }
  double tokens = impl.refilled_tokens(user, limits, now);
  if (tokens < 1.0) {
    char wait[32];
    double seconds = limits.rate_per_minute > 0 ? (1.0 - tokens) * 60.0 / limits.rate_per_minute : INFINITY;
    std::snprintf(wait, sizeof wait, "%.1f s", seconds);
    user.tokens = tokens;
    user.refilled = now;
    char rate[32];
    std::snprintf(rate, sizeof rate, "%g", limits.rate_per_minute);
    throw refuse("rate limit: role \"" + role_text + "\" may start " + rate + " traces per minute in bursts of " +
                 std::to_string(limits.burst) + " (roles." + role_text + ".rate_per_minute, roles." + role_text +
                 ".burst); the next may start in " + (std::isinf(seconds) ? std::string("never") : std::string(wait)));
  }
  user.tokens = tokens - 1.0;
  user.refilled = now;

  auto state = std::make_shared<Ticket::State>();
  state->user = id;
  state->user_limit = limits.concurrent_traces;
  state->start = std::move(start);
  if (user.queue.empty()) impl.turns.push_back(id);
  user.queue.push_back(state);
  ++impl.queued;
  Ticket ticket(impl_, state);
  impl.pump();
  return ticket;
}

Admission::Usage Admission::usage(std::uint64_t id, const RoleLimits& limits) const {
  Usage out;
  out.tokens = limits.burst;
  auto it = impl_->users.find(id);
  if (it == impl_->users.end()) return out;
  out.running = it->second.running;
  out.queued = static_cast<int>(it->second.queue.size());
  out.tokens = impl_->refilled_tokens(it->second, limits, impl_->clock());
  return out;
}

int Admission::running() const { return impl_->running; }
int Admission::queued() const { return impl_->queued; }

}  // namespace ddtr::policy
