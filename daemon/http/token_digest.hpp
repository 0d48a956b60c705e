// The bearer tokens' cryptography, per OS: SHA-256 of a token and a
// constant-time comparison of two digests. OpenSSL on Linux
// (token_digest_openssl.cpp), CommonCrypto on macOS, which is part of
// libSystem (token_digest_commoncrypto.cpp).
#pragma once

#include <array>
#include <string_view>

namespace ddtr::http {

using Sha256 = std::array<unsigned char, 32>;

// Throws ddtr::Error (Unknown) if the library fails.
Sha256 sha256(std::string_view data);

// Whether a and b are equal, in time that does not depend on where they differ.
bool equal_constant_time(const Sha256& a, const Sha256& b) noexcept;

}  // namespace ddtr::http
