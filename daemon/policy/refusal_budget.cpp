#include "daemon/policy/refusal_budget.hpp"

#include <algorithm>

namespace ddtr::policy {
namespace {

// Past this many remembered principals, every take() sweeps out the idle ones;
// only root can create uids, so this is a backstop, not the normal path.
constexpr std::size_t kSweepAbove = 4096;

}  // namespace

RefusalBudget::RefusalBudget(RefusalLimits limits, Clock clock) : limits_(limits), clock_(std::move(clock)) {}

void RefusalBudget::set_limits(RefusalLimits limits) {
  limits_ = limits;
  for (auto& [id, p] : principals_) p.tokens = std::min<double>(p.tokens, limits_.burst);
}

double RefusalBudget::refilled(const Principal& p, std::chrono::steady_clock::time_point now) const {
  double minutes = std::chrono::duration<double>(now - p.refilled).count() / 60.0;
  return std::min<double>(limits_.burst, p.tokens + minutes * limits_.per_minute);
}

bool RefusalBudget::take(std::uint64_t principal, std::string_view name, ErrorCode code) {
  auto now = clock_();
  if (principals_.size() > kSweepAbove) {
    std::erase_if(principals_, [&](const auto& entry) {
      return entry.second.suppressed == 0 && refilled(entry.second, now) >= limits_.burst;
    });
  }
  auto [it, fresh] = principals_.try_emplace(principal);
  Principal& p = it->second;
  if (fresh) p.tokens = limits_.burst;
  p.tokens = refilled(p, now);
  p.refilled = now;
  if (p.tokens >= 1) {
    p.tokens -= 1;
    return true;
  }
  if (p.suppressed == 0) {
    p.window_start = now;
    p.name = std::string(name);
    next_due_ = std::min(next_due_, now + kInterval);
  }
  ++p.suppressed;
  auto index = static_cast<std::size_t>(code);
  if (index < p.codes.size()) ++p.codes[index];
  return false;
}

std::vector<RefusalBudget::Summary> RefusalBudget::due() {
  std::vector<Summary> out;
  auto now = clock_();
  if (now < next_due_) return out;
  next_due_ = std::chrono::steady_clock::time_point::max();
  for (auto it = principals_.begin(); it != principals_.end();) {
    Principal& p = it->second;
    if (p.suppressed > 0 && now - p.window_start >= kInterval) {
      Summary summary;
      summary.principal = it->first;
      summary.name = p.name;
      summary.suppressed = p.suppressed;
      summary.interval = std::chrono::duration_cast<std::chrono::seconds>(now - p.window_start);
      for (std::size_t i = 0; i < p.codes.size(); ++i) {
        if (p.codes[i] > 0) summary.codes.emplace_back(static_cast<ErrorCode>(i), p.codes[i]);
      }
      out.push_back(std::move(summary));
      p.suppressed = 0;
      p.codes = {};
    }
    if (p.suppressed > 0) {
      next_due_ = std::min(next_due_, p.window_start + kInterval);
    } else if (refilled(p, now) >= limits_.burst) {
      it = principals_.erase(it);
      continue;
    }
    ++it;
  }
  return out;
}

std::string describe(const RefusalBudget::Summary& summary) {
  std::string codes;
  for (const auto& [code, count] : summary.codes) {
    codes += (codes.empty() ? "" : ", ") + std::string(error_code_name(code)) + " " + std::to_string(count);
  }
  return summary.name + ": " + std::to_string(summary.suppressed) + " refusals suppressed in the last " +
         std::to_string(summary.interval.count()) + " s (" + codes + "); past its refusal budget " +
         "(global.refusal_burst, global.refusals_per_minute) a caller's refusals are answered but not logged one by one";
}

}  // namespace ddtr::policy
