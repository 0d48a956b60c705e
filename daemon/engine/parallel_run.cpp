#include "daemon/engine/parallel_run.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <cerrno>
#include <utility>

#include "shared/result/go_rtt.hpp"

namespace ddtr::engine {

bool is_refused_send(const Error& error) {
  auto err = error.sys_errno();
  if (!err) return false;
  switch (*err) {
    case EPERM:         // a local filter (nftables/iptables REJECT of an output packet)
    case ENOBUFS:       // the interface queue is full
    case EAGAIN:        // the socket's send buffer is full
#if EWOULDBLOCK != EAGAIN
    case EWOULDBLOCK:
#endif
    case EHOSTUNREACH:  // no neighbour answered, or an unreachable route
      return true;
    default:
      return false;
  }
}

ParallelRun::ParallelRun(boost::asio::io_context& io, std::shared_ptr<ProbeChannel> channel, RunConfig config,
                         HopCallback on_hop, DoneCallback on_done)
    : io_(io),
      channel_(std::move(channel)),
      config_(std::move(config)),
      on_hop_(std::move(on_hop)),
      on_done_(std::move(on_done)),
      send_timer_(io),
      deadline_timer_(io),
      slots_(static_cast<std::size_t>(config_.max_ttl - config_.min_ttl + 1)),
      next_ttl_(config_.min_ttl) {
  if (config_.window < 1) config_.window = 1;
}

void ParallelRun::start() {
  // The channel's handlers hold the run weakly: the run owns the channel.
  std::weak_ptr<ParallelRun> weak = weak_from_this();
  try {
    channel_->prepare([weak](std::optional<Error> error) {
      auto self = weak.lock();
      if (!self || self->finished_) return;
      if (error) {
        self->finish(std::move(*error));
      } else {
        self->start_probing();
      }
    });
  } catch (const Error& e) {
    finish(e);
  }
}

void ParallelRun::start_probing() {
  std::weak_ptr<ParallelRun> weak = weak_from_this();
  try {
    channel_->start(
        [weak](const probes::ProbeResponse& response, platform::WireTime received_at) {
          if (auto self = weak.lock(); self && !self->finished_) {
            self->on_response(response, received_at);
            self->check_complete();
          }
        },
        [weak](Error error) {
          if (auto self = weak.lock()) self->finish(std::move(error));
        });
  } catch (const Error& e) {
    finish(e);
    return;
  }
  if (config_.in_flight) share_ = InFlightLimit::Member(config_.in_flight);
  pump();
}

void ParallelRun::cancel() { finish(Error(ErrorCode::Timeout, "context canceled")); }

bool ParallelRun::may_send() const {
  if (finished_ || dest_ttl_ || next_ttl_ > config_.max_ttl) return false;
  if (config_.send_delay) return true;
  int window = config_.window;
  if (config_.in_flight) window = std::min(window, config_.in_flight->fair_share());
  if (in_flight_ < window) return true;
  return holding(Clock::now()) < window;
}

// A probe unanswered after the adaptive wait's floor is likely a silent hop:
// it keeps waiting for its answer (until its own deadline), but no longer holds
// a place in the window, as its daemon-wide slot is a lease of the same length.
// So a window of one still passes a silent router after the floor.
int ParallelRun::holding(Clock::time_point now) const {
  int n = 0;
  for (int ttl = next_ttl_ - 1; ttl >= config_.min_ttl; --ttl) {
    const Slot& s = slot(ttl);
    if (!s.sent() || s.resolved()) continue;
    if (now - s.sent_steady >= config_.wait.floor) break;  // older ones were sent earlier still
    ++n;
  }
  return n;
}

void ParallelRun::pump() {
  if (send_waiting_) return;
  auto schedule = [this](Clock::duration wait) {
    send_waiting_ = true;
    send_timer_.expires_after(wait);
    send_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      self->send_waiting_ = false;
      if (!ec) self->pump();
    });
  };
  while (may_send()) {
    if (!take_send_slot()) return;
    if (config_.gate && !budget_granted_) {
      auto wait = config_.gate->reserve(Clock::now());
      if (wait > Clock::duration::zero()) {
        budget_granted_ = true;  // this turn is ours: spend it when the timer fires
        schedule(wait);
        return;
      }
    }
    budget_granted_ = false;
    send_one();
    if (config_.send_delay && may_send()) {
      schedule(*config_.send_delay);
      return;
    }
  }
}

bool ParallelRun::take_send_slot() {
  if (!config_.in_flight || next_lease_) return true;
  if (slot_ticket_) return false;  // queued already
  if ((next_lease_ = config_.in_flight->try_take(next_ttl_))) return true;
  std::weak_ptr<ParallelRun> weak = weak_from_this();
  slot_ticket_ = config_.in_flight->wait(next_ttl_, [weak, limit = config_.in_flight](InFlightLimit::Lease lease) {
    auto self = weak.lock();
    if (self) self->slot_ticket_.reset();
    // Granted after the run stopped sending (posted before its cancel): unused.
    if (!self || self->finished_ || self->dest_ttl_ || self->next_ttl_ > self->config_.max_ttl) {
      limit->give_back(lease);
      return;
    }
    self->next_lease_ = lease;
    self->pump();
  });
  return false;
}

// No more sends (the destination answered, or the run ends): the slot taken
// or queued for the next one goes back.
void ParallelRun::release_send_slot() {
  if (!config_.in_flight) return;
  if (slot_ticket_ && config_.in_flight->cancel(*slot_ticket_)) slot_ticket_.reset();
  if (next_lease_) config_.in_flight->give_back(*std::exchange(next_lease_, std::nullopt));
}

void ParallelRun::probe_resolved(Slot& s) {
  --in_flight_;
  if (s.lease) config_.in_flight->give_back(*std::exchange(s.lease, std::nullopt));
}

void ParallelRun::send_one() {
  int ttl = next_ttl_++;
  Slot& s = slot(ttl);
  s.lease = std::exchange(next_lease_, std::nullopt);  // held until the probe resolves
  s.sent_steady = Clock::now();
  try {
    s.sent_at = channel_->send(ttl);
    ++sent_ok_;
  } catch (const Error& e) {
    if (!is_refused_send(e)) {
      finish(Error(e.code(), std::string("SendProbe() failed: ") + e.what()));
      return;
    }
    // Lost, as if the network had dropped it; the run fails only if no probe
    // at all could leave (then with upstream's error).
    if (!first_refusal_) {
      spdlog::debug("probe send refused (TTL {}), counted as lost: {}", ttl, e.what());
      first_refusal_ = Error(e.code(), std::string("SendProbe() failed: ") + e.what());
    }
    s.refused = true;
  }
  ++in_flight_;
  arm_deadline_timer();
}

void ParallelRun::on_response(const probes::ProbeResponse& response, platform::WireTime received_at) {
  if (response.ttl < config_.min_ttl || response.ttl > config_.max_ttl) return;
  if (response.unattributed) {
    if (!response.is_dest) return;
    bare_.push_back(BareReply{received_at, config_.clocks(), response.ttl, response.ip});
    update_dest();
    arm_deadline_timer();
    pump();
    return;
  }
  Slot& s = slot(response.ttl);
  // A probe given up on stays lost: its hop was already streamed as missing.
  if (!s.sent_at || s.timed_out) return;
  // First answer per TTL wins; a destination answer replaces a router's.
  if (s.response && (s.response->is_dest || !response.is_dest)) return;
  bool first = !s.response;
  auto rtt = probe_rtt({s.sent_steady, *s.sent_at}, received_at, config_.clocks());
  s.rtt_ms = go_duration_ms(rtt);  // Go's digits
  if (s.rtt_ms <= 0) s.rtt_ms = 1e-6;  // 0 would read as "lost"
  s.response = response;
  if (first) probe_resolved(s);
  if (response.is_dest && (!exact_dest_ || response.ttl < *exact_dest_)) exact_dest_ = response.ttl;
  on_hop_(RunHop{response.ttl, response.ip, s.rtt_ms, response.is_dest});
  update_dest();
  // A higher answer shortens the lower TTLs' waits; a freed slot sends the next.
  arm_deadline_timer();
  pump();
}

std::optional<int> ParallelRun::bare_dest_ttl() const {
  if (bare_.empty()) return std::nullopt;
  int highest_router = config_.min_ttl - 1, bound = config_.min_ttl - 1;
  for (int ttl = config_.min_ttl; ttl < next_ttl_; ++ttl) {
    const Slot& s = slot(ttl);
    if (s.response && !s.response->is_dest) highest_router = ttl;
  }
  for (const auto& b : bare_) bound = std::max(bound, b.latest_ttl);
  for (int ttl = highest_router + 1; ttl <= std::min(bound, next_ttl_ - 1); ++ttl) {
    if (slot(ttl).sent_at) return ttl;
  }
  return std::nullopt;  // every probe it could answer reached a router: not ours
}

std::optional<RunHop> ParallelRun::bare_dest_hop() const {
  auto ttl = bare_dest_ttl();
  if (!ttl) return std::nullopt;
  const Slot& s = slot(*ttl);
  // The earliest reply that probe can have caused.
  for (const auto& b : bare_) {
    if (b.latest_ttl < *ttl) continue;
    double rtt_ms = go_duration_ms(probe_rtt({s.sent_steady, *s.sent_at}, b.received_at, b.handled));
    return RunHop{*ttl, b.ip, rtt_ms > 0 ? rtt_ms : 1e-6, true};
  }
  return std::nullopt;
}

void ParallelRun::update_dest() {
  auto bare = bare_dest_ttl();
  std::optional<int> dest = exact_dest_;
  if (bare && (!dest || *bare < *dest)) dest = bare;
  bool is_bare = bare && dest == bare && (!exact_dest_ || *bare < *exact_dest_);
  if (dest == dest_ttl_ && is_bare == dest_is_bare_) return;
  bool first = !dest_ttl_;
  dest_ttl_ = dest;
  dest_is_bare_ = is_bare;
  if (first && dest_ttl_) {
    send_timer_.cancel();  // the destination answered: no deeper probes
    release_send_slot();   // nor a daemon-wide slot held or queued for one
  }
  if (dest_is_bare_) on_hop_(*bare_dest_hop());
}

// The deadline of every probe still waiting, lowest TTL last: walking down,
// the nearest higher TTL that answered is the one whose RTT bounds the wait.
template <typename Visit>
static void for_each_waiting(int min_ttl, int top_ttl, const AdaptiveWait& wait, std::chrono::milliseconds timeout,
                             std::optional<double> nearer_rtt_ms, const auto& slot_of, Visit visit) {
  for (int ttl = top_ttl; ttl >= min_ttl; --ttl) {
    const auto& s = slot_of(ttl);
    if (s.response) {
      nearer_rtt_ms = s.rtt_ms;
      continue;
    }
    if (!s.sent() || s.timed_out) continue;
    auto limit = std::chrono::duration_cast<std::chrono::steady_clock::duration>(timeout);
    if (s.refused) {
      limit = {};
    } else if (wait.enabled && nearer_rtt_ms) {
      auto adaptive = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::duration<double, std::milli>(wait.near_factor * *nearer_rtt_ms));
      limit = std::min(limit, std::max(adaptive, std::chrono::duration_cast<std::chrono::steady_clock::duration>(wait.floor)));
    }
    visit(ttl, s.sent_steady + limit);
  }
}

void ParallelRun::arm_deadline_timer() {
  if (finished_) return;
  std::optional<Clock::time_point> earliest;
  // A bare destination reply answers a probe at or above every TTL still waiting.
  auto bare = bare_dest_hop();
  for_each_waiting(config_.min_ttl, next_ttl_ - 1, config_.wait, config_.timeout,
                   bare ? std::optional<double>(bare->rtt_ms) : std::nullopt,
                   [this](int ttl) -> const Slot& { return slot(ttl); },
                   [&earliest](int, Clock::time_point at) {
                     if (!earliest || at < *earliest) earliest = at;
                   });
  // The window is full of probes that may be silent hops: wake when the oldest
  // of them stops holding its place (see holding()).
  if (!finished_ && !dest_ttl_ && next_ttl_ <= config_.max_ttl && !config_.send_delay && in_flight_ > 0) {
    auto now = Clock::now();
    for (int ttl = config_.min_ttl; ttl < next_ttl_; ++ttl) {
      const Slot& s = slot(ttl);
      if (!s.sent() || s.resolved()) continue;
      auto release = s.sent_steady + config_.wait.floor;
      if (release <= now) continue;  // no longer holding: the next one is the oldest that does
      if (!earliest || release < *earliest) earliest = release;
      break;
    }
  }
  // Re-armed only to fire sooner: an answer usually moves the earliest deadline
  // later, and a timer that fires early just finds nothing due and re-arms.
  // Each re-arm of the loop's earliest timer costs a timerfd_settime() per
  // probe answered, which 1000 concurrent traces pay a thousand times over.
  if (!earliest || (deadline_armed_ && *deadline_armed_ <= *earliest)) return;
  deadline_armed_ = earliest;
  deadline_timer_.expires_at(*earliest);
  deadline_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (!ec) self->expire_probes();
  });
}

// Also Slot::timed_out for probes given up on by the adaptive wait: for the
// result both are a hop that did not answer.
void ParallelRun::expire_probes() {
  if (finished_) return;
  deadline_armed_.reset();
  auto now = Clock::now();
  std::vector<int> expired;
  // A bare destination reply answers a probe at or above every TTL still waiting.
  auto bare = bare_dest_hop();
  for_each_waiting(config_.min_ttl, next_ttl_ - 1, config_.wait, config_.timeout,
                   bare ? std::optional<double>(bare->rtt_ms) : std::nullopt,
                   [this](int ttl) -> const Slot& { return slot(ttl); },
                   [&expired, now](int ttl, Clock::time_point at) {
                     if (at <= now) expired.push_back(ttl);
                   });
  std::reverse(expired.begin(), expired.end());  // stream in TTL order
  for (int ttl : expired) {
    slot(ttl).timed_out = true;
    probe_resolved(slot(ttl));
    // A TTL above the destination is no hop of the result: not streamed.
    if (!dest_ttl_ || ttl < *dest_ttl_) on_hop_(RunHop{ttl, std::nullopt, 0, false});
  }
  check_complete();
  pump();
  arm_deadline_timer();
}

void ParallelRun::check_complete() {
  if (finished_) return;
  // A bare destination's own TTL waits too: its router may still answer it.
  int last = dest_ttl_ ? *dest_ttl_ - (dest_is_bare_ ? 0 : 1) : config_.max_ttl;
  if (!dest_ttl_ && next_ttl_ <= config_.max_ttl) return;  // still sending
  for (int ttl = config_.min_ttl; ttl <= last; ++ttl) {
    if (!slot(ttl).resolved()) return;
  }
  if (sent_ok_ == 0 && first_refusal_) {
    finish(*first_refusal_);
    return;
  }
  finish(std::nullopt);
}

void ParallelRun::finish(std::optional<Error> error) {
  if (finished_) return;
  finished_ = true;
  send_timer_.cancel();
  deadline_timer_.cancel();
  release_send_slot();
  share_.reset();
  for (auto& s : slots_) {
    if (s.lease) config_.in_flight->give_back(*std::exchange(s.lease, std::nullopt));
  }
  RunResult result = RunOutcome{};
  if (error) {
    result = std::move(*error);
  } else {
    auto& hops = std::get<RunOutcome>(result);
    int last = dest_ttl_ ? *dest_ttl_ : config_.max_ttl;
    for (int ttl = config_.min_ttl; ttl <= last; ++ttl) {
      const Slot& s = slot(ttl);
      if (dest_is_bare_ && ttl == last) {
        hops.push_back(*bare_dest_hop());
      } else if (s.response) {
        hops.push_back(RunHop{ttl, s.response->ip, s.rtt_ms, s.response->is_dest});
      } else {
        hops.push_back(RunHop{ttl, std::nullopt, 0, false});
      }
    }
  }
  // Deliver from a fresh stack frame: the caller may drop its last reference
  // to this run inside the callback.
  boost::asio::post(io_, [self = shared_from_this(), result = std::move(result)]() mutable {
    auto done = std::move(self->on_done_);
    if (done) done(std::move(result));
  });
  // Closed after the delivery is queued: what the close leaves to do later
  // (the shared capture's, when this was its last run) then runs after it.
  channel_->close();
}

}  // namespace ddtr::engine
