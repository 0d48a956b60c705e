#include "daemon/rpc/refusal_log.hpp"

namespace ddtr::rpcserver {

std::string unlogged_note(std::uint64_t unlogged) {
  if (unlogged == 0) return "";
  return " (" + std::to_string(unlogged) + " similar refusals not logged before this one)";
}

std::optional<std::uint64_t> RefusalLog::admit(TimePoint now) {
  if (written_ == 0 || now - window_start_ >= window_) {
    window_start_ = now;
    written_ = 0;
  }
  if (written_ >= lines_) {
    ++suppressed_;
    return std::nullopt;
  }
  ++written_;
  std::uint64_t before = suppressed_;
  suppressed_ = 0;
  return before;
}

}  // namespace ddtr::rpcserver
