// The rounds of `--watch` / `--report-cycles`: one ordinary trace after the
// other over one daemon connection, every `interval` from start to start,
// each result folded into the statistics. The daemon's policy applies to each
// round as to any trace: a round refused by its rate limit (QUOTA_EXCEEDED
// naming when the next may start) waits that long and tries again; any other
// refusal is counted and shown, and the next round follows. Only a lost connection ends
// the loop early. KJ thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <kj/async.h>
#include <kj/timer.h>

#include "client/hop_stats.hpp"
#include "client/trace_service.hpp"

namespace ddtr::client {

// What the loop is doing, for the screen's status line.
struct WatchStatus {
  enum class Phase { Tracing, Waiting, Throttled, Paused, Done };
  Phase phase = Phase::Waiting;
  std::uint64_t round = 0;        // rounds started (throttled retries included)
  double throttled_wait_s = 0;    // Throttled: how long until the next try
  std::string last_refusal;       // the latest refusal, "CODE: message"; "" when none
};

// From a rate-limit refusal ("... the next may start in 1.2 s"): the seconds
// to wait; nullopt when the message names no time.
std::optional<double> rate_limit_wait(const std::string& message);

class WatchLoop {
 public:
  struct Hooks {
    std::function<void()> changed;                    // the status or the statistics changed
    std::function<void(const TraceOutcome&)> round;   // each round's outcome (jsonl), throttled ones too
  };

  // `max_rounds` 0: until dropped. Rounds count when traced or refused;
  // throttled tries do not (they are retried).
  WatchLoop(TraceService& daemon, kj::Timer& timer, TraceParams params, std::chrono::milliseconds interval,
            std::uint64_t max_rounds, WatchStats& stats, Hooks hooks);

  // Resolves after `max_rounds`, or when the connection is lost (then
  // fatal() holds the error). Call once.
  kj::Promise<void> run();

  void toggle_pause();
  void reset();  // empty statistics; a round in flight is not counted
  const WatchStatus& status() const { return status_; }
  const std::optional<Error>& fatal() const { return fatal_; }

 private:
  kj::Promise<void> next_round();
  kj::Promise<void> after_round(TraceOutcome outcome, kj::TimePoint started, std::uint64_t generation);
  void changed() { if (hooks_.changed) hooks_.changed(); }

  TraceService& daemon_;
  kj::Timer& timer_;
  TraceParams params_;
  kj::Duration interval_;
  std::uint64_t max_rounds_;
  std::uint64_t counted_ = 0;     // rounds traced or refused
  std::uint64_t generation_ = 0;  // bumped by reset()
  WatchStats& stats_;
  Hooks hooks_;
  WatchStatus status_;
  bool paused_ = false;
  kj::Maybe<kj::Own<kj::PromiseFulfiller<void>>> resume_;
  std::optional<Error> fatal_;
};

}  // namespace ddtr::client
