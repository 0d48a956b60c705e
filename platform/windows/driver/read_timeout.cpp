#include "platform/windows/driver/read_timeout.hpp"

namespace ddtr::platform::windows::driver {

std::uint32_t completion_wait_ms(Deadline deadline, std::chrono::steady_clock::time_point now) {
  if (deadline <= now) return 0;
  auto remaining = deadline - now;
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(remaining).count();
  // INFINITE is 0xFFFFFFFF; a day is more than any trace waits.
  constexpr long long kCap = 24LL * 3600 * 1000;
  return static_cast<std::uint32_t>(ms > kCap ? kCap : ms);
}

}  // namespace ddtr::platform::windows::driver
