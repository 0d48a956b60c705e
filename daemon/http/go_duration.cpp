#include "daemon/http/go_duration.hpp"

#include <cstdint>

namespace ddtr::http {
namespace {

// "<whole>.<fraction without trailing zeros>" of `value` / 10^digits.
std::string fixed(std::uint64_t value, int digits) {
  std::uint64_t scale = 1;
  for (int i = 0; i < digits; ++i) scale *= 10;
  std::string out = std::to_string(value / scale);
  std::uint64_t fraction = value % scale;
  if (fraction == 0) return out;
  std::string tail = std::to_string(fraction);
  tail.insert(0, static_cast<std::size_t>(digits) - tail.size(), '0');
  while (!tail.empty() && tail.back() == '0') tail.pop_back();
  return out + "." + tail;
}

}  // namespace

std::string go_duration(std::chrono::nanoseconds duration) {
  std::int64_t ns = duration.count();
  if (ns == 0) return "0s";
  bool negative = ns < 0;
  std::uint64_t u = negative ? static_cast<std::uint64_t>(-(ns + 1)) + 1 : static_cast<std::uint64_t>(ns);
  std::string out;
  if (u < 1'000'000'000ull) {
    // Below a second Go picks the largest unit that keeps a whole part.
    if (u < 1'000ull) {
      out = std::to_string(u) + "ns";
    } else if (u < 1'000'000ull) {
      out = fixed(u, 3) + "\u00b5s";
    } else {
      out = fixed(u, 6) + "ms";
    }
  } else {
    std::uint64_t seconds_ns = u % 60'000'000'000ull;
    std::uint64_t minutes = u / 60'000'000'000ull;
    out = fixed(seconds_ns, 9) + "s";
    if (minutes > 0) {
      std::uint64_t hours = minutes / 60;
      out = std::to_string(minutes % 60) + "m" + out;
      if (hours > 0) out = std::to_string(hours) + "h" + out;
    }
  }
  return negative ? "-" + out : out;
}

}  // namespace ddtr::http
