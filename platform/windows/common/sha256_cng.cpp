// SHA-256 through CNG (BCryptHash, Windows 10+): no OpenSSL in the Windows build.
#include <windows.h>
#include <bcrypt.h>

#include <string>

#include "platform/sha256.hpp"
#include "shared/common/error.hpp"

namespace ddtr::platform {
namespace {

// The provider is opened per call: a token check is rare (one per HTTP
// request) and no handle outlives it. BCRYPT_SHA256_ALG_HANDLE (a pseudo
// handle) would save the open, but wine does not know it.
class Sha256Provider {
 public:
  Sha256Provider() {
    NTSTATUS status = ::BCryptOpenAlgorithmProvider(&handle_, BCRYPT_SHA256_ALGORITHM, nullptr, 0);
    if (!BCRYPT_SUCCESS(status)) fail("BCryptOpenAlgorithmProvider", status);
  }
  ~Sha256Provider() { ::BCryptCloseAlgorithmProvider(handle_, 0); }
  Sha256Provider(const Sha256Provider&) = delete;
  Sha256Provider& operator=(const Sha256Provider&) = delete;
  BCRYPT_ALG_HANDLE get() const { return handle_; }

  [[noreturn]] static void fail(const char* what, NTSTATUS status) {
    throw Error(ErrorCode::Unknown, std::string("SHA-256 failed: ") + what + " returned NTSTATUS " +
                                        std::to_string(static_cast<unsigned long>(status)));
  }

 private:
  BCRYPT_ALG_HANDLE handle_ = nullptr;
};

}  // namespace

Sha256Digest sha256(std::string_view data) {
  Sha256Provider provider;
  Sha256Digest digest{};
  BCRYPT_HASH_HANDLE hash = nullptr;
  NTSTATUS status = ::BCryptCreateHash(provider.get(), &hash, nullptr, 0, nullptr, 0, 0);
  if (!BCRYPT_SUCCESS(status)) Sha256Provider::fail("BCryptCreateHash", status);
  // BCryptHashData takes a ULONG: feed a long input in pieces.
  std::string_view rest = data;
  do {
    ULONG piece = static_cast<ULONG>(std::min<std::size_t>(rest.size(), 0x40000000));
    status = ::BCryptHashData(hash, reinterpret_cast<PUCHAR>(const_cast<char*>(rest.data())), piece, 0);
    rest.remove_prefix(piece);
  } while (BCRYPT_SUCCESS(status) && !rest.empty());
  if (BCRYPT_SUCCESS(status)) status = ::BCryptFinishHash(hash, digest.data(), static_cast<ULONG>(digest.size()), 0);
  ::BCryptDestroyHash(hash);
  if (!BCRYPT_SUCCESS(status)) Sha256Provider::fail("BCryptHashData/BCryptFinishHash", status);
  return digest;
}

bool constant_time_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  if (a.size() != b.size()) return false;
  // Every byte is read whatever the earlier ones were; `volatile` keeps the
  // compiler from turning the loop back into an early exit.
  volatile std::uint8_t difference = 0;
  for (std::size_t i = 0; i < a.size(); ++i) difference = difference | static_cast<std::uint8_t>(a[i] ^ b[i]);
  return difference == 0;
}

}  // namespace ddtr::platform
