#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "daemon/http/token_digest.hpp"
#include "shared/common/error.hpp"

namespace ddtr::http {

Sha256 sha256(std::string_view data) {
  Sha256 digest{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1 || length != 32) {
    throw Error(ErrorCode::Unknown, "SHA-256 failed");
  }
  return digest;
}

bool equal_constant_time(const Sha256& a, const Sha256& b) noexcept {
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace ddtr::http
