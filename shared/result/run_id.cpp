#include "shared/result/run_id.hpp"

#include <array>

namespace ddtr {

RunIdGenerator::RunIdGenerator() {
  std::random_device device;
  std::seed_seq seed{device(), device(), device(), device(), device(), device(), device(), device()};
  rng_.seed(seed);
}

std::string RunIdGenerator::next() {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::array<std::uint8_t, 16> uuid{};
  for (std::size_t i = 0; i < uuid.size(); i += 8) {
    std::uint64_t word = rng_();
    for (std::size_t j = 0; j < 8; ++j) uuid[i + j] = static_cast<std::uint8_t>(word >> (8 * j));
  }
  uuid[6] = static_cast<std::uint8_t>((uuid[6] & 0x0f) | 0x40);  // version 4
  uuid[8] = static_cast<std::uint8_t>((uuid[8] & 0x3f) | 0x80);  // RFC 4122 variant
  // base64url without padding: 16 bytes -> 22 characters.
  std::string out;
  out.reserve(22);
  for (std::size_t i = 0; i < uuid.size(); i += 3) {
    std::uint32_t chunk = static_cast<std::uint32_t>(uuid[i]) << 16;
    std::size_t n = std::min<std::size_t>(3, uuid.size() - i);
    if (n > 1) chunk |= static_cast<std::uint32_t>(uuid[i + 1]) << 8;
    if (n > 2) chunk |= uuid[i + 2];
    out += kAlphabet[(chunk >> 18) & 63];
    out += kAlphabet[(chunk >> 12) & 63];
    if (n > 1) out += kAlphabet[(chunk >> 6) & 63];
    if (n > 2) out += kAlphabet[chunk & 63];
  }
  return out;
}

}  // namespace ddtr
