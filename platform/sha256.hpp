// SHA-256 and a constant-time comparison, for the HTTP API's bearer tokens
// (the policy keeps only their digests). OpenSSL's on Linux (posix/sha256_openssl.cpp),
// CommonCrypto on macOS (darwin/sha256_commoncrypto.cpp), Windows' CNG on Windows
// (windows/common/sha256_cng.cpp).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace ddtr::platform {

using Sha256Digest = std::array<std::uint8_t, 32>;

// Throws ddtr::Error (UNKNOWN) if the library fails.
Sha256Digest sha256(std::string_view data);

// Equal contents, in a time that depends on the length only (false for
// different lengths). For secrets, where memcmp's early exit would leak.
bool constant_time_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b);

}  // namespace ddtr::platform
