// What refusals may cost the daemon. A refused request is answered, always,
// with its typed error; but its diagnostic and audit lines are drawn from a
// token bucket per principal (a uid, an HTTP principal), so a caller looping
// on refused requests cannot fill the disk. Past the budget, refusals are
// counted, and one summary per principal and interval stands for them:
// "user X: N refusals suppressed in the last 60 s". Plain logic with an
// injected clock, used on one thread (the RPC loop).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "shared/common/error.hpp"

namespace ddtr::policy {

struct RefusalLimits {
  int burst = 20;               // refusals logged in a row before the budget bites
  double per_minute = 10;       // refill; 0: after the burst, only summaries
};

class RefusalBudget {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  static constexpr std::chrono::seconds kInterval{60};

  struct Summary {
    std::uint64_t principal = 0;
    std::string name;                  // the caller as the log names it ("uid=65534", "http=ops")
    std::uint64_t suppressed = 0;
    std::vector<std::pair<ErrorCode, std::uint64_t>> codes;  // how many of each, in ErrorCode order
    std::chrono::seconds interval{0};  // the window the count covers
  };

  explicit RefusalBudget(RefusalLimits limits, Clock clock = [] { return std::chrono::steady_clock::now(); });

  // A reload: buckets keep their levels, capped at the new burst.
  void set_limits(RefusalLimits limits);

  // One refusal by `principal`, named `name` in summaries. True: log and audit
  // it. False: it is past the budget; it was counted for the next summary.
  bool take(std::uint64_t principal, std::string_view name, ErrorCode code);

  // The summaries whose interval has ended (each principal's window opens at
  // its first suppressed refusal); forgets principals whose bucket is full
  // again. Cheap when nothing is due.
  std::vector<Summary> due();

  // Principals remembered now (tests: the map does not grow without bound).
  std::size_t tracked() const { return principals_.size(); }

 private:
  struct Principal {
    double tokens = 0;
    std::chrono::steady_clock::time_point refilled{};
    std::string name;
    std::uint64_t suppressed = 0;
    std::array<std::uint64_t, 16> codes{};
    std::chrono::steady_clock::time_point window_start{};
  };

  double refilled(const Principal& p, std::chrono::steady_clock::time_point now) const;

  RefusalLimits limits_;
  Clock clock_;
  std::unordered_map<std::uint64_t, Principal> principals_;
  std::chrono::steady_clock::time_point next_due_ = std::chrono::steady_clock::time_point::max();
};

// The diagnostic line of a summary, without the logger's prefix.
std::string describe(const RefusalBudget::Summary& summary);

}  // namespace ddtr::policy
