// parse_ipv6 on anything: an accepted header has a non-zero payload length,
// its payload follows the fixed header and stops at that length, and writing
// the parsed fields back parses to the same fields.
#include <array>

#include "daemon/probes/wire/ipv6_header.hpp"
#include "tests/fuzz/support/check.hpp"

using namespace ddtr::probes;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::uint8_t> bytes(data, size);
  auto view = parse_ipv6(bytes);
  if (!view) return 0;
  const Ipv6Header& h = view->header;
  FUZZ_CHECK(size >= kIpv6HeaderSize && h.payload_length != 0);
  FUZZ_CHECK(ddtr::fuzz::within(view->payload, bytes));
  FUZZ_CHECK(view->payload.data() == data + kIpv6HeaderSize);
  FUZZ_CHECK(view->payload.size() == std::min<std::size_t>(size - kIpv6HeaderSize, h.payload_length));

  std::array<std::uint8_t, kIpv6HeaderSize> out{};
  write_ipv6_header(out, h);
  auto again = parse_ipv6(out);
  FUZZ_CHECK(again && again->payload.empty());
  FUZZ_CHECK(again->header.payload_length == h.payload_length && again->header.next_header == h.next_header);
  FUZZ_CHECK(again->header.hop_limit == h.hop_limit && again->header.src == h.src && again->header.dst == h.dst);
  return 0;
}
