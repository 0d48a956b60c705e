#include "daemon/http/metrics_route.hpp"

#include "daemon/http/bearer_auth.hpp"
#include "daemon/policy/cidr.hpp"

namespace ddtr::http {

Response metrics_response(const MetricsEndpoint& endpoint, const policy::HttpConfig& http, const IpAddress& listener,
                          std::string_view authorization, bool head) {
  if (!policy::canonical_address(listener).is_loopback()) {
    try {
      // A token, whatever anonymous_role a reload may have set since the start.
      if (authorization.empty() || authenticate(http, authorization).role.role == policy::Role::Denied) {
        throw Error(ErrorCode::Unauthorized, "metrics: this listener is not loopback; show a bearer token of http.tokens");
      }
    } catch (const Error& e) {
      return error_response(e);
    }
  }
  Response r;
  r.content_type = endpoint.content_type;
  if (!head) r.body = endpoint.render();
  return r;
}

}  // namespace ddtr::http
