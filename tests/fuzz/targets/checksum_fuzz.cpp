// The Internet checksum: summing in two pieces, split anywhere (odd splits
// included), equals summing at once; 16-bit words fed with add_u16 equal the
// same bytes; and data followed by its own checksum sums to zero.
#include <vector>

#include "daemon/probes/wire/byte_order.hpp"
#include "daemon/probes/wire/checksum.hpp"
#include "tests/fuzz/support/check.hpp"

using namespace ddtr::probes;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::size_t split = data[0] % size;
  std::span<const std::uint8_t> bytes(data, size);
  std::uint16_t whole = internet_checksum(bytes);

  Checksum pieces;
  pieces.add(bytes.first(split));
  pieces.add(bytes.subspan(split));
  FUZZ_CHECK(pieces.finish() == whole);

  if (size % 2 == 0) {
    Checksum words;
    for (std::size_t i = 0; i < size; i += 2) words.add_u16(load_be16(bytes, i));
    FUZZ_CHECK(words.finish() == whole);

    std::vector<std::uint8_t> with_sum(bytes.begin(), bytes.end());
    with_sum.resize(size + 2);
    store_be16(with_sum, size, whole);
    FUZZ_CHECK(internet_checksum(with_sum) == 0);
  }
  return 0;
}
