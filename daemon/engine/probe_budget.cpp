#include "daemon/engine/probe_budget.hpp"

#include <algorithm>

namespace ddtr::engine {

using Clock = std::chrono::steady_clock;

void ProbePacer::set(double rate, double burst) {
  if (rate == rate_) return;
  rate_ = rate;
  if (rate <= 0) return;
  interval_ = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / rate));
  tolerance_ = interval_ * static_cast<long long>(std::max(burst, 1.0) - 1);
}

Clock::time_point ProbePacer::reserve(Clock::time_point now) {
  if (rate_ <= 0) return now;
  tat_ = std::max(tat_, now);
  auto at = std::max(now, tat_ - tolerance_);
  tat_ += interval_;
  return at;
}

// One trace's view: its principal's pacer and the global one; the later of the
// two turns is this probe's.
class ProbeBudgets::Gate final : public ProbeGate {
 public:
  Gate(std::shared_ptr<ProbeBudgets> owner, std::uint64_t principal)
      : owner_(std::move(owner)), principal_(principal) {}
  ~Gate() override {
    auto it = owner_->principals_.find(principal_);
    if (it != owner_->principals_.end() && --it->second.traces <= 0) owner_->principals_.erase(it);
  }

  Clock::duration reserve(Clock::time_point now) override {
    auto at = owner_->global_.reserve(now);
    auto it = owner_->principals_.find(principal_);
    if (it != owner_->principals_.end()) at = std::max(at, it->second.pacer.reserve(now));
    return at - now;
  }

 private:
  std::shared_ptr<ProbeBudgets> owner_;
  std::uint64_t principal_;
};

std::shared_ptr<ProbeGate> ProbeBudgets::gate(const ProbeBudget& budget) {
  // A burst of one second's worth: a default trace leaves in one go, a
  // stream of maximal ones is held to the rate.
  global_.set(budget.global, budget.global);
  Entry& entry = principals_[budget.principal];
  entry.pacer.set(budget.per_principal, budget.per_principal);
  ++entry.traces;
  return std::make_shared<Gate>(shared_from_this(), budget.principal);
}

}  // namespace ddtr::engine
