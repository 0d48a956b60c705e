// The packet budget: how many probes per second one principal's traces (and
// the whole daemon) may put on the network. A run asks its gate before every
// send; a principal over budget is slowed (its probes wait their turn), never
// failed. Engine thread only: no locks.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <unordered_map>

namespace ddtr::engine {

// What a run consults before each probe: how long this probe must wait for its
// turn. Calling it spends the turn.
class ProbeGate {
 public:
  virtual ~ProbeGate() = default;
  virtual std::chrono::steady_clock::duration reserve(std::chrono::steady_clock::time_point now) = 0;
};

// A token bucket kept as its "theoretical arrival time" (GCRA): `rate` probes
// per second, up to `burst` back to back. A rate <= 0 means unlimited.
class ProbePacer {
 public:
  void set(double rate, double burst);
  // When the next probe may leave (>= now); reserves it.
  std::chrono::steady_clock::time_point reserve(std::chrono::steady_clock::time_point now);
  double rate() const { return rate_; }

 private:
  double rate_ = 0;
  std::chrono::steady_clock::duration interval_{};
  std::chrono::steady_clock::duration tolerance_{};
  std::chrono::steady_clock::time_point tat_{};
};

// Probes per second of a trace's principal and of the daemon; 0 = unlimited.
struct ProbeBudget {
  std::uint64_t principal = 0;
  double per_principal = 0;
  double global = 0;
};

// Every principal's pacer and the global one. A principal's pacer lives while
// one of its traces does.
class ProbeBudgets : public std::enable_shared_from_this<ProbeBudgets> {
 public:
  // The gate of one trace; its runs share it.
  std::shared_ptr<ProbeGate> gate(const ProbeBudget& budget);
  std::size_t principals() const { return principals_.size(); }

 private:
  class Gate;
  struct Entry {
    ProbePacer pacer;
    int traces = 0;
  };
  std::unordered_map<std::uint64_t, Entry> principals_;
  ProbePacer global_;
};

}  // namespace ddtr::engine
