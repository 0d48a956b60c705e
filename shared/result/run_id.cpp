// Upstream's newBase64UUID: base64.RawURLEncoding.EncodeToString(uuid.New()).
#include "shared/result/run_id.hpp"

#include <array>
#include <cstdint>

namespace ddtr {
namespace {

constexpr char kBase64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Unpadded base64url of 16 bytes: 5 full 3-byte groups (20 chars) and a last
// single byte (2 chars) = 22 chars.
std::string base64url_unpadded(const std::array<std::uint8_t, 16>& bytes) {
  std::string out;
  out.reserve(22);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t group = (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
    for (int shift = 18; shift >= 0; shift -= 6) out += kBase64Url[(group >> shift) & 63];
  }
  const std::uint32_t last = std::uint32_t{bytes[i]} << 4;  // 8 bits -> two 6-bit digits
  out += kBase64Url[(last >> 6) & 63];
  out += kBase64Url[last & 63];
  return out;
}

}  // namespace

// Each generator gets its own 256-bit seed from the OS, so ids from two
// generators (engine, tests) are independent. Not a CSPRNG: the ids are
// correlation keys, not secrets.
RunIdGenerator::RunIdGenerator() {
  std::random_device device;
  std::seed_seq seed{device(), device(), device(), device(), device(), device(), device(), device()};
  rng_.seed(seed);
}

std::string RunIdGenerator::next() {
  std::array<std::uint8_t, 16> uuid{};
  for (std::size_t i = 0; i < uuid.size(); i += 8) {
    const std::uint64_t word = rng_();
    for (std::size_t j = 0; j < 8; ++j) uuid[i + j] = static_cast<std::uint8_t>(word >> (8 * j));
  }
  uuid[6] = static_cast<std::uint8_t>((uuid[6] & 0x0f) | 0x40);  // version 4
  uuid[8] = static_cast<std::uint8_t>((uuid[8] & 0x3f) | 0x80);  // RFC 4122 variant
  return base64url_unpadded(uuid);
}

}  // namespace ddtr
