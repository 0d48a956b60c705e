#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "platform/sha256.hpp"
#include "shared/common/error.hpp"

namespace ddtr::platform {

Sha256Digest sha256(std::string_view data) {
  Sha256Digest digest{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1 ||
      length != digest.size()) {
    throw Error(ErrorCode::Unknown, "SHA-256 failed");
  }
  return digest;
}

bool constant_time_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace ddtr::platform
