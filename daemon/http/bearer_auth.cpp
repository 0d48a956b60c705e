#include "daemon/http/bearer_auth.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>

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
  std::array<unsigned char, 32> digest{};
  unsigned int length = 0;
  if (EVP_Digest(token.data(), token.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1 || length != 32) {
    throw Error(ErrorCode::Unknown, "SHA-256 failed");
  }
  // Every token is compared, in constant time, so timing says nothing of which.
  const policy::HttpToken* match = nullptr;
  for (const auto& candidate : http.tokens) {
    if (CRYPTO_memcmp(candidate.sha256.data(), digest.data(), digest.size()) == 0) match = &candidate;
  }
  if (match == nullptr) throw Error(ErrorCode::Unauthorized, "unknown bearer token");
  return {"http:" + match->name, {match->role, "http.tokens[" + match->name + "]"}};
}

}  // namespace ddtr::http
