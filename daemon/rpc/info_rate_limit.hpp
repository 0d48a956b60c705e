// How often one user may ask `info` (doctor, --version): a token bucket per
// principal (policy::principal_key), shared by all of that user's connections.
// Past it the call fails at once with QUOTA_EXCEEDED rather than waiting: a
// refused call costs the daemon a short error reply and holds nothing (a
// waiting call would hold its connection's flow window and a timer), and a
// person running doctor never comes near the limit. Injected clock; RPC
// thread only.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <unordered_map>

namespace ddtr::rpcserver {

// Sized to bound one user's share of the RPC thread (an answer costs some
// 40 us: 1000 a second is about 4 % of a core) while bench/rpc_latency's 2020
// back-to-back calls, a loop of doctor, and every person pass untouched.
struct InfoRateLimits {
  double per_second = 1000;
  double burst = 2000;
};

class InfoRateLimit {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  explicit InfoRateLimit(InfoRateLimits limits = {}) : limits_(limits) {}

  // True: the call may run now (one token taken).
  bool try_take(std::uint64_t principal, TimePoint now);
  const InfoRateLimits& limits() const { return limits_; }
  std::size_t tracked() const { return buckets_.size(); }

 private:
  struct Bucket {
    double tokens;
    TimePoint refilled;
  };
  double level(const Bucket& bucket, TimePoint now) const;

  InfoRateLimits limits_;
  std::unordered_map<std::uint64_t, Bucket> buckets_;
};

}  // namespace ddtr::rpcserver
