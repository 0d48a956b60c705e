#include "daemon/policy/policy_state.hpp"

#include <filesystem>

namespace ddtr::policy {
namespace {

GlobalLimits global_limits(const PolicyConfig& config) {
  return {config.global_concurrent_traces, config.global_queued_traces};
}

RefusalLimits refusal_limits(const PolicyConfig& config) {
  return {config.refusal_burst, config.refusals_per_minute};
}

}  // namespace

PolicyState::PolicyState(std::string config_path, bool path_is_default)
    : config_path_(std::move(config_path)),
      path_is_default_(path_is_default),
      config_file_exists_(std::filesystem::exists(config_path_)),
      rules_(std::make_shared<const Policy>(load_policy_config(config_path_, path_is_default_))),
      admission_(global_limits(rules_->config())),
      refusals_(refusal_limits(rules_->config())),
      audit_(rules_->config().audit_log),
      loaded_at_(std::chrono::system_clock::now()) {}

void PolicyState::reload(const std::function<void(const PolicyConfig&)>& check) {
  auto fresh = std::make_shared<const Policy>(load_policy_config(config_path_, path_is_default_));
  if (check) check(fresh->config());
  if (fresh->config().audit_log != audit_.path()) {
    audit_.reopen(fresh->config().audit_log);
  } else {
    audit_.reopen(audit_.path());  // after rotation, write to the new file
  }
  admission_.set_global(global_limits(fresh->config()));
  refusals_.set_limits(refusal_limits(fresh->config()));
  rules_ = std::move(fresh);
  config_file_exists_ = std::filesystem::exists(config_path_);
  loaded_at_ = std::chrono::system_clock::now();
}

}  // namespace ddtr::policy
