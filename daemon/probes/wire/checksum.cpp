#include "daemon/probes/wire/checksum.hpp"

namespace ddtr::probes {

void Checksum::add(std::span<const std::uint8_t> bytes) {
  for (std::uint8_t b : bytes) {
    sum_ += odd_ ? b : static_cast<std::uint64_t>(b) << 8;
    odd_ = !odd_;
  }
}

std::uint16_t Checksum::finish() const {
  std::uint64_t sum = sum_;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xffff);
}

std::uint16_t internet_checksum(std::span<const std::uint8_t> bytes) {
  Checksum c;
  c.add(bytes);
  return c.finish();
}

}  // namespace ddtr::probes
