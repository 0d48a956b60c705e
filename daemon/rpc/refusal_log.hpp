// A bounded diagnostic log for refusals a client can repeat at will (a
// connection flood, an info flood): at most `lines` lines per `window`; the
// rest are counted, and the next line that is written says how many were not.
// Injected clock; one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace ddtr::rpcserver {

// "" or " (N similar refusals not logged before this one)".
std::string unlogged_note(std::uint64_t unlogged);

class RefusalLog {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  RefusalLog(int lines, std::chrono::steady_clock::duration window) : lines_(lines), window_(window) {}

  // A value: log this refusal, and say that this many before it were not
  // logged (0: none). Nothing: count it silently.
  std::optional<std::uint64_t> admit(TimePoint now);

 private:
  int lines_;
  std::chrono::steady_clock::duration window_;
  TimePoint window_start_{};
  int written_ = 0;
  std::uint64_t suppressed_ = 0;
};

}  // namespace ddtr::rpcserver
