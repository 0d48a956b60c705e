#include "client/watch_loop.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace ddtr::client {
namespace {

// Added to the daemon's hint: its "%.1f s" rounds, and a try a hair early
// would only be throttled again.
constexpr double kHintMarginS = 0.1;

kj::Duration seconds(double s) { return static_cast<int64_t>(std::max(s, 0.0) * 1e6) * kj::MICROSECONDS; }

}  // namespace

std::optional<double> rate_limit_wait(const std::string& message) {
  static const std::string kMarker = "the next may start in ";
  auto at = message.find(kMarker);
  if (at == std::string::npos) return std::nullopt;
  const char* start = message.c_str() + at + kMarker.size();
  char* end = nullptr;
  double value = std::strtod(start, &end);
  if (end == start || !std::isfinite(value) || value < 0 || std::string_view(end).rfind(" s", 0) != 0) {
    return std::nullopt;
  }
  return value;
}

WatchLoop::WatchLoop(TraceService& daemon, kj::Timer& timer, TraceParams params,
                     std::chrono::milliseconds interval, std::uint64_t max_rounds, WatchStats& stats, Hooks hooks)
    : daemon_(daemon),
      timer_(timer),
      params_(std::move(params)),
      interval_(interval.count() * kj::MILLISECONDS),
      max_rounds_(max_rounds),
      stats_(stats),
      hooks_(std::move(hooks)) {}

kj::Promise<void> WatchLoop::run() { return next_round(); }

kj::Promise<void> WatchLoop::next_round() {
  if (max_rounds_ > 0 && counted_ >= max_rounds_) {
    status_.phase = WatchStatus::Phase::Done;
    changed();
    return kj::READY_NOW;
  }
  if (paused_) {
    status_.phase = WatchStatus::Phase::Paused;
    changed();
    auto paf = kj::newPromiseAndFulfiller<void>();
    resume_ = kj::mv(paf.fulfiller);
    return paf.promise.then([this] { return next_round(); });
  }
  ++status_.round;
  status_.phase = WatchStatus::Phase::Tracing;
  changed();
  const kj::TimePoint started = timer_.now();
  const std::uint64_t generation = generation_;
  // No listener: the daemon sends the result only, which is all the statistics need.
  return daemon_.trace(params_).then([this, started, generation](TraceOutcome outcome) {
    return after_round(std::move(outcome), started, generation);
  });
}

kj::Promise<void> WatchLoop::after_round(TraceOutcome outcome, kj::TimePoint started, std::uint64_t generation) {
  kj::Duration wait = interval_ - std::min(interval_, timer_.now() - started);
  if (auto* results = std::get_if<Results>(&outcome)) {
    ++counted_;
    if (generation == generation_) stats_.add_round(*results);
    status_.phase = WatchStatus::Phase::Waiting;
  } else {
    const Error& error = std::get<Error>(outcome);
    if (error.code() == ErrorCode::DaemonUnavailable) {
      fatal_ = error;  // the connection is gone: no round can follow
      status_.phase = WatchStatus::Phase::Done;
      if (hooks_.round) hooks_.round(outcome);
      changed();
      return kj::READY_NOW;
    }
    status_.last_refusal = std::string(error_code_name(error.code())) + ": " + error.what();
    const auto hint = error.code() == ErrorCode::QuotaExceeded ? rate_limit_wait(error.what()) : std::nullopt;
    if (hint) {
      // Throttled by the rate limit: not a round of the statistics; wait for
      // the token and retry. (Other quota refusals, such as the user's other
      // traces filling the concurrency quota, count as refused rounds.)
      stats_.note_throttled();
      wait = std::max(wait, seconds(*hint + kHintMarginS));
      status_.phase = WatchStatus::Phase::Throttled;
      status_.throttled_wait_s = (wait / kj::MILLISECONDS) / 1000.0;
    } else {
      ++counted_;
      stats_.note_refused();
      status_.phase = WatchStatus::Phase::Waiting;
    }
  }
  if (paused_) status_.phase = WatchStatus::Phase::Paused;  // p pressed mid-round: no round follows
  if (hooks_.round) hooks_.round(outcome);
  changed();
  return timer_.afterDelay(wait).then([this] { return next_round(); });
}

void WatchLoop::toggle_pause() {
  paused_ = !paused_;
  if (!paused_) {
    KJ_IF_MAYBE (fulfiller, resume_) {
      (*fulfiller)->fulfill();
    }
    resume_ = nullptr;
    if (status_.phase == WatchStatus::Phase::Paused) status_.phase = WatchStatus::Phase::Waiting;
  } else if (status_.phase == WatchStatus::Phase::Waiting) {
    status_.phase = WatchStatus::Phase::Paused;  // the next round will not start
  }
  changed();
}

void WatchLoop::reset() {
  ++generation_;
  stats_.reset();
  status_.last_refusal.clear();
  changed();
}

}  // namespace ddtr::client
