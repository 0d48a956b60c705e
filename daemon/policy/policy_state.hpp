// The daemon's live policy: the current rules (swapped whole on reload), the
// admission state, the refusal budget and the audit log, which outlive reloads so running traces,
// queues, token buckets and the audit file carry over. RPC thread only; the
// engine thread gets immutable snapshots of the rules.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "daemon/policy/admission.hpp"
#include "daemon/policy/audit_log.hpp"
#include "daemon/policy/policy.hpp"
#include "daemon/policy/refusal_budget.hpp"

namespace ddtr::policy {

class PolicyState {
 public:
  // Loads and validates the file and opens the audit log; throws Error.
  PolicyState(std::string config_path, bool path_is_default);

  // SIGHUP: a new file takes effect whole, or not at all (the error is thrown
  // and the old rules stay). `check` judges the new config against what the
  // daemon really runs (its HTTP listener) before anything changes; it throws
  // to refuse the reload.
  void reload(const std::function<void(const PolicyConfig&)>& check = {});

  std::shared_ptr<const Policy> rules() const { return rules_; }
  Admission& admission() { return admission_; }
  RefusalBudget& refusals() { return refusals_; }
  AuditLog& audit() { return audit_; }
  const std::string& config_path() const { return config_path_; }
  bool config_file_exists() const { return config_file_exists_; }
  std::chrono::system_clock::time_point loaded_at() const { return loaded_at_; }

 private:
  std::string config_path_;
  bool path_is_default_;
  bool config_file_exists_ = false;
  std::shared_ptr<const Policy> rules_;
  Admission admission_;
  RefusalBudget refusals_;
  AuditLog audit_;
  std::chrono::system_clock::time_point loaded_at_;
};

}  // namespace ddtr::policy
