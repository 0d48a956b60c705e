// What a ddnpm driver version means for the records the traceroute sends:
// the FILTER_DEFINITION's size and whether it has the `discard` field (and so
// whether discard filters are installed). Plain code, tested everywhere.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ddtr::platform::windows::driver {

struct DriverLayout {
  std::uint64_t version = 0;
  std::size_t filter_size = 0;  // bytes of one FILTER_DEFINITION, also its `size` field
  bool has_discard = false;     // the record ends with `discard`; the TCP and None filters get a discard twin
};

// The layout of a known version (0x16, 0x18). Throws ddtr::Error
// (INVALID_REQUEST) naming the versions this build knows for any other.
DriverLayout driver_layout(std::uint64_t version);

}  // namespace ddtr::platform::windows::driver
