#include "daemon/engine/parallel_run.hpp"

#include <boost/asio/post.hpp>

namespace ddtr::engine {

ParallelRun::ParallelRun(boost::asio::io_context& io, std::shared_ptr<ProbeChannel> channel, RunConfig config,
                         HopCallback on_hop, DoneCallback on_done)
    : io_(io),
      channel_(std::move(channel)),
      config_(config),
      on_hop_(std::move(on_hop)),
      on_done_(std::move(on_done)),
      send_timer_(io),
      deadline_timer_(io),
      slots_(static_cast<std::size_t>(config.max_ttl - config.min_ttl + 1)),
      next_ttl_(config.min_ttl) {}

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
  send_next();
}

void ParallelRun::cancel() { finish(Error(ErrorCode::Timeout, "context canceled")); }

void ParallelRun::send_next() {
  if (finished_ || dest_ttl_ || next_ttl_ > config_.max_ttl) return;
  int ttl = next_ttl_++;
  try {
    slot(ttl).sent_at = channel_->send(ttl);
  } catch (const Error& e) {
    finish(Error(e.code(), std::string("SendProbe() failed: ") + e.what()));
    return;
  }
  pending_.emplace_back(ttl, std::chrono::steady_clock::now() + config_.timeout);
  if (pending_.size() == 1) arm_deadline_timer();
  if (next_ttl_ <= config_.max_ttl) {
    send_timer_.expires_after(config_.send_delay);
    send_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (!ec) self->send_next();
    });
  }
}

void ParallelRun::on_response(const probes::ProbeResponse& response, platform::WireTime received_at) {
  if (response.ttl < config_.min_ttl || response.ttl > config_.max_ttl) return;
  Slot& s = slot(response.ttl);
  if (!s.sent_at) return;
  // First answer per TTL wins; a destination answer replaces a router's.
  if (s.response && (s.response->is_dest || !response.is_dest)) return;
  auto rtt = received_at - *s.sent_at;
  s.rtt_ms = std::chrono::duration<double, std::milli>(rtt).count();
  if (s.rtt_ms <= 0) s.rtt_ms = 1e-6;  // clock stepped backwards; 0 would read as "lost"
  s.response = response;
  if (response.is_dest && (!dest_ttl_ || response.ttl < *dest_ttl_)) {
    dest_ttl_ = response.ttl;
    send_timer_.cancel();  // the destination answered: no deeper probes
  }
  on_hop_(RunHop{response.ttl, response.ip, s.rtt_ms, response.is_dest});
}

void ParallelRun::arm_deadline_timer() {
  if (pending_.empty() || finished_) return;
  deadline_timer_.expires_at(pending_.front().second);
  deadline_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (!ec) self->expire_probes();
  });
}

void ParallelRun::expire_probes() {
  if (finished_) return;
  auto now = std::chrono::steady_clock::now();
  while (!pending_.empty() && pending_.front().second <= now) {
    int ttl = pending_.front().first;
    pending_.pop_front();
    Slot& s = slot(ttl);
    if (!s.response && (!dest_ttl_ || ttl < *dest_ttl_)) {
      s.timed_out = true;
      on_hop_(RunHop{ttl, std::nullopt, 0, false});
    } else if (!s.response) {
      s.timed_out = true;
    }
  }
  check_complete();
  arm_deadline_timer();
}

void ParallelRun::check_complete() {
  if (finished_) return;
  int last = dest_ttl_ ? *dest_ttl_ - 1 : config_.max_ttl;
  if (!dest_ttl_ && next_ttl_ <= config_.max_ttl) return;  // still sending
  for (int ttl = config_.min_ttl; ttl <= last; ++ttl) {
    if (!slot(ttl).resolved()) return;
  }
  finish(std::nullopt);
}

void ParallelRun::finish(std::optional<Error> error) {
  if (finished_) return;
  finished_ = true;
  send_timer_.cancel();
  deadline_timer_.cancel();
  RunResult result = RunOutcome{};
  if (error) {
    result = std::move(*error);
  } else {
    auto& hops = std::get<RunOutcome>(result);
    int last = dest_ttl_ ? *dest_ttl_ : config_.max_ttl;
    for (int ttl = config_.min_ttl; ttl <= last; ++ttl) {
      const Slot& s = slot(ttl);
      if (s.response) {
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
