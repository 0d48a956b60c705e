#include "daemon/http/http_plan.hpp"

namespace ddtr::http {

HttpPlan plan_http(const policy::HttpConfig& config, const std::string& http_listen_flag) {
  HttpPlan plan;
  plan.enabled = config.enabled || !http_listen_flag.empty();
  plan.listen = http_listen_flag.empty() ? config.listen : http_listen_flag;
  plan.file_listen = http_listen_flag.empty() ? config.listen : std::string();
  if (plan.enabled) policy::check_http_exposure(config, plan.listen);
  return plan;
}

}  // namespace ddtr::http
