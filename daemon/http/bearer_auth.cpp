#include "daemon/http/bearer_auth.hpp"

#include "daemon/http/token_digest.hpp"
#include "shared/common/error.hpp"

namespace ddtr::http {

HttpPrincipal authenticate(const policy::HttpConfig& http, std::string_view authorization) {
  if (authorization.empty()) {
    return {"http", {http.anonymous_role, "http.anonymous_role"}};
  }
  constexpr std::string_view kScheme = "Bearer ";
  if (authorization.size() <= kScheme.size() || authorization.substr(0, kScheme.size()) != kScheme) {
    throw Error(ErrorCode::Unauthorized, "the Authorization header must be \"Bearer TOKEN\"");
  }
  std::string_view token = authorization.substr(kScheme.size());
  const Sha256 digest = sha256(token);
  // Every token is compared, in constant time, so timing says nothing of which.
  const policy::HttpToken* match = nullptr;
  for (const auto& candidate : http.tokens) {
    if (equal_constant_time(candidate.sha256, digest)) match = &candidate;
  }
  if (match == nullptr) throw Error(ErrorCode::Unauthorized, "unknown bearer token");
  return {"http:" + match->name, {match->role, "http.tokens[" + match->name + "]"}};
}

}  // namespace ddtr::http
