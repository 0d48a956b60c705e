// An RTT in milliseconds computed as upstream does (common.ConvertDurationToMs:
// Duration.Seconds() * 1000, where Seconds() = float64(whole seconds) +
// float64(remaining ns) / 1e9). A plain ns / 1e6 rounds differently for about
// a quarter of durations (12345678 ns: Go's 12.345678000000001, not
// 12.345678), and the printed JSON must match Go's digit for digit.
#pragma once

#include <chrono>
#include <cstdint>

namespace ddtr {

inline double go_duration_ms(std::chrono::nanoseconds duration) {
  const std::int64_t ns = duration.count();
  const std::int64_t whole = ns / 1'000'000'000;  // Go's / and % truncate towards zero, as C++'s do
  const std::int64_t rest = ns % 1'000'000'000;
  const double seconds = static_cast<double>(whole) + static_cast<double>(rest) / 1e9;
  return seconds * 1000;
}

}  // namespace ddtr
