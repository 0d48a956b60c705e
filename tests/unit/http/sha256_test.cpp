// platform/sha256.hpp: FIPS 180-2's vectors and the comparison's edges. The
// same file runs in the Linux ctest (OpenSSL) and under wine (CNG).
#include <gtest/gtest.h>

#include <string>

#include "platform/sha256.hpp"

namespace ddtr::platform {
namespace {

std::string hex(const Sha256Digest& d) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (auto b : d) {
    out += digits[b >> 4];
    out += digits[b & 0xF];
  }
  return out;
}

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(hex(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(hex(sha256(std::string(1'000'000, 'a'))),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, ConstantTimeEqual) {
  const Sha256Digest a = sha256("token-a");
  Sha256Digest b = a;
  EXPECT_TRUE(constant_time_equal(a, b));
  b[31] ^= 1;
  EXPECT_FALSE(constant_time_equal(a, b)) << "the last byte counts";
  b = a;
  b[0] ^= 0x80;
  EXPECT_FALSE(constant_time_equal(a, b)) << "the first byte counts";
  EXPECT_FALSE(constant_time_equal(std::span<const std::uint8_t>(a).first(31), a)) << "lengths differ";
  EXPECT_TRUE(constant_time_equal(std::span<const std::uint8_t>(), std::span<const std::uint8_t>()));
}

}  // namespace
}  // namespace ddtr::platform
