// platform/sha256.hpp on macOS: CommonCrypto, part of libSystem, so the
// daemon links nothing beyond it (no OpenSSL to ship).
#include <CommonCrypto/CommonDigest.h>
#include <string.h>  // timingsafe_bcmp (BSD libc)

#include "platform/sha256.hpp"
#include "shared/common/error.hpp"

namespace ddtr::platform {

Sha256Digest sha256(std::string_view data) {
  static_assert(CC_SHA256_DIGEST_LENGTH == 32);
  Sha256Digest digest{};
  if (data.size() > 0xffffffffu) throw Error(ErrorCode::Unknown, "SHA-256 failed: input too long");
  CC_SHA256(data.data(), static_cast<CC_LONG>(data.size()), digest.data());
  return digest;
}

bool constant_time_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  return a.size() == b.size() && ::timingsafe_bcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace ddtr::platform
