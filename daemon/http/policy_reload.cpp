#include "daemon/http/policy_reload.hpp"

#include <spdlog/spdlog.h>

#include <exception>

#include "daemon/http/reload_check.hpp"

namespace ddtr::http {

bool reload_policy(policy::PolicyState& policy, HttpServer* http, const std::string& http_file_listen) {
  try {
    policy.reload([http](const policy::PolicyConfig& fresh) { check_http_reload(http, fresh.http); });
    spdlog::info("policy reloaded from {}", policy.config_path());
    apply_http_reload(http, policy.rules()->config().http, http_file_listen);
    return true;
  } catch (const std::exception& e) {
    spdlog::error("policy reload failed, keeping the previous policy: {}", e.what());
    return false;
  }
}

}  // namespace ddtr::http
