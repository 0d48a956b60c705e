// Whether and where the HTTP API listens, from the policy file and the
// daemon's --http-listen, as every OS's daemon decides it at start-up.
#pragma once

#include <string>

#include "daemon/policy/policy_config.hpp"

namespace ddtr::http {

struct HttpPlan {
  bool enabled = false;     // http.enabled, or --http-listen given
  std::string listen;       // --http-listen, else http.listen
  std::string file_listen;  // the http.listen the socket comes from; "" when --http-listen chose it
};

// Throws Error(INVALID_REQUEST) when the exposure rules refuse the start
// (off loopback without tokens, or with an anonymous role other than "denied").
HttpPlan plan_http(const policy::HttpConfig& config, const std::string& http_listen_flag);

}  // namespace ddtr::http
