// parse_ipv4 on anything: a header it accepts lies inside the bytes, its
// payload starts after the header and stops at the total length, and writing
// the parsed fields back gives a header with a valid checksum that parses to
// the same fields.
#include <array>

#include "daemon/probes/wire/checksum.hpp"
#include "daemon/probes/wire/ipv4_header.hpp"
#include "tests/fuzz/support/check.hpp"

using namespace ddtr::probes;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::uint8_t> bytes(data, size);
  auto view = parse_ipv4(bytes);
  if (!view) return 0;
  const Ipv4Header& h = view->header;
  FUZZ_CHECK(h.header_length >= kIpv4HeaderSize && h.header_length <= size && h.header_length % 4 == 0);
  FUZZ_CHECK(ddtr::fuzz::within(view->payload, bytes));
  FUZZ_CHECK(view->payload.data() == data + h.header_length);
  if (h.total_length != 0) FUZZ_CHECK(h.header_length + view->payload.size() <= h.total_length);

  std::array<std::uint8_t, kIpv4HeaderSize> out{};
  write_ipv4_header(out, h);
  FUZZ_CHECK(internet_checksum(out) == 0);
  auto again = parse_ipv4(out);
  FUZZ_CHECK(again);
  FUZZ_CHECK(again->header.total_length == h.total_length && again->header.id == h.id);
  FUZZ_CHECK(again->header.flags_fragment == h.flags_fragment && again->header.ttl == h.ttl);
  FUZZ_CHECK(again->header.protocol == h.protocol && again->header.src == h.src && again->header.dst == h.dst);
  return 0;
}
