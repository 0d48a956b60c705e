// newBase64UUID: a random UUIDv4 in unpadded base64url.
#include <gtest/gtest.h>

#include <array>
#include <set>
#include <string_view>

#include "shared/result/run_id.hpp"

namespace ddtr {
namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// base64.RawURLEncoding.DecodeString, for the test's own checks.
std::vector<std::uint8_t> decode(const std::string& id) {
  std::vector<std::uint8_t> out;
  std::uint32_t bits = 0;
  int count = 0;
  for (char c : id) {
    const auto value = kAlphabet.find(c);
    EXPECT_NE(value, std::string_view::npos) << id;
    bits = (bits << 6) | static_cast<std::uint32_t>(value);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<std::uint8_t>(bits >> count));
    }
  }
  EXPECT_EQ(bits & ((1u << count) - 1), 0u) << "non-canonical trailing bits: " << id;
  return out;
}

TEST(RunId, ShapeVersionAndVariant) {
  RunIdGenerator ids;
  for (int i = 0; i < 200; ++i) {
    const std::string id = ids.next();
    ASSERT_EQ(id.size(), 22u);
    EXPECT_EQ(id.find_first_not_of(kAlphabet), std::string::npos) << id;
    const auto bytes = decode(id);
    ASSERT_EQ(bytes.size(), 16u);
    EXPECT_EQ(bytes[6] >> 4, 4) << id;        // version 4
    EXPECT_EQ(bytes[8] >> 6, 0b10) << id;     // RFC 4122 variant
  }
}

TEST(RunId, DifferentOnEveryCall) {
  RunIdGenerator ids;
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(seen.insert(ids.next()).second);
}

TEST(RunId, GeneratorsAreSeededIndependently) {
  RunIdGenerator a, b;
  EXPECT_NE(a.next(), b.next());
}

TEST(RunId, RandomBitsAreUsed) {
  // Every one of the 122 random bits should vary across a few hundred ids.
  RunIdGenerator ids;
  std::array<std::uint8_t, 16> seen_set{}, seen_clear{};
  for (int i = 0; i < 300; ++i) {
    const auto bytes = decode(ids.next());
    for (std::size_t k = 0; k < 16; ++k) {
      seen_set[k] |= bytes[k];
      seen_clear[k] |= static_cast<std::uint8_t>(~bytes[k]);
    }
  }
  for (std::size_t k = 0; k < 16; ++k) {
    std::uint8_t fixed = k == 6 ? 0xf0 : k == 8 ? 0xc0 : 0;  // version / variant bits
    EXPECT_EQ(seen_set[k] & seen_clear[k] & ~fixed & 0xff, ~fixed & 0xff) << "byte " << k;
  }
}

}  // namespace
}  // namespace ddtr
