#include <CommonCrypto/CommonDigest.h>
#include <string.h>  // timingsafe_bcmp (BSD libc)

#include "daemon/http/token_digest.hpp"
#include "shared/common/error.hpp"

namespace ddtr::http {

Sha256 sha256(std::string_view data) {
  static_assert(CC_SHA256_DIGEST_LENGTH == 32);
  Sha256 digest{};
  if (data.size() > 0xffffffffu) throw Error(ErrorCode::Unknown, "SHA-256 failed: token too long");
  CC_SHA256(data.data(), static_cast<CC_LONG>(data.size()), digest.data());
  return digest;
}

bool equal_constant_time(const Sha256& a, const Sha256& b) noexcept {
  return ::timingsafe_bcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace ddtr::http
