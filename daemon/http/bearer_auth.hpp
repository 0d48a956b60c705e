// Who an HTTP request is: a bearer token's name and role (the config keeps only
// SHA-256 digests, compared in constant time), or the anonymous principal.
#pragma once

#include <string>
#include <string_view>

#include "daemon/policy/policy.hpp"

namespace ddtr::http {

struct HttpPrincipal {
  std::string name;           // "http" (anonymous) or "http:<token name>"
  policy::RoleDecision role;  // role and the config key that gave it
};

// `authorization`: the header's value, "" when absent. Throws
// Error(UNAUTHORIZED) for a malformed header or an unknown token.
HttpPrincipal authenticate(const policy::HttpConfig& http, std::string_view authorization);

}  // namespace ddtr::http
