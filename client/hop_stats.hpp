// Statistics across the rounds of `--watch` / `--report-cycles`, as mtr keeps
// them: per TTL the probes sent and answered, and per address answering at
// that TTL (ECMP: each its own row) the RTT's last, mean, best, worst and
// standard deviation. Running sums only (Welford), so memory stays constant
// per row however long the watch runs. Pure data: no IO.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "shared/result/results.hpp"

namespace ddtr::client {

// Welford's online mean and variance: numerically stable, O(1) memory.
class RunningStats {
 public:
  void add(double x);
  std::uint64_t count() const { return n_; }
  double mean() const { return mean_; }
  // Population standard deviation (mtr's StDev divides by n); 0 for n < 2.
  double stddev() const;
  double best() const { return best_; }
  double worst() const { return worst_; }
  double last() const { return last_; }

 private:
  std::uint64_t n_ = 0;
  double mean_ = 0, m2_ = 0, best_ = 0, worst_ = 0, last_ = 0;
};

// One address seen at a TTL.
struct AddressStats {
  std::string address;
  std::string name;  // first reverse DNS name seen, "" when none
  bool is_destination = false;
  RunningStats rtt;  // count() is the probes this address answered
};

struct TtlStats {
  int ttl = 0;
  std::uint64_t sent = 0;      // probes at this TTL (hops listed by the runs)
  std::uint64_t received = 0;  // of which answered, by any address
  std::vector<AddressStats> addresses;  // in order of first answer
  double loss_percent() const { return sent == 0 ? 0 : 100.0 * static_cast<double>(sent - received) / sent; }
};

class WatchStats {
 public:
  // A hostile or very unstable network must not make a row list grow without
  // bound: past this many addresses at one TTL, answers still count in the
  // TTL's `received` but get no row of their own.
  static constexpr std::size_t kMaxAddressesPerTtl = 16;
  static constexpr int kMaxTtl = 255;

  // Folds one round's result in: every run's hops.
  void add_round(const Results& results);
  void reset();

  // [ttl - 1]: up to the destination's TTL (the lowest it answered at), or
  // the deepest TTL seen while it has not answered.
  const std::vector<TtlStats>& ttls() const { return ttls_; }
  // Rounds the daemon did not trace: refused (an error) or throttled (its rate limit).
  void note_refused() { ++refused_; }
  void note_throttled() { ++throttled_; }

  std::uint64_t rounds() const { return rounds_; }  // rounds traced and folded in
  std::uint64_t refused() const { return refused_; }
  std::uint64_t throttled() const { return throttled_; }
  // The destination address, once a round has reached it ("" before).
  const std::string& destination() const { return destination_; }

 private:
  void add_hop(const Hop& hop);

  std::vector<TtlStats> ttls_;
  std::uint64_t rounds_ = 0, refused_ = 0, throttled_ = 0;
  int destination_ttl_ = 0;  // the lowest TTL the destination answered at; 0: not yet
  std::string destination_;
};

}  // namespace ddtr::client
