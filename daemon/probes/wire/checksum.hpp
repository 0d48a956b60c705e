// The Internet checksum (RFC 1071), incremental so headers and pseudo-headers
// can be summed piecewise.
#pragma once

#include <cstdint>
#include <span>

namespace ddtr::probes {

class Checksum {
 public:
  void add(std::span<const std::uint8_t> bytes);
  void add_u16(std::uint16_t value) { sum_ += value; }
  std::uint16_t finish() const;  // ones' complement of the folded sum

 private:
  std::uint64_t sum_ = 0;
  bool odd_ = false;  // an odd byte is pending as the high half of a word
};

std::uint16_t internet_checksum(std::span<const std::uint8_t> bytes);

}  // namespace ddtr::probes
