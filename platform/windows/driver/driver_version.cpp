#include "platform/windows/driver/driver_version.hpp"

#include <cstdio>
#include <string>

#include "platform/windows/driver/driver_api.hpp"
#include "shared/common/error.hpp"

namespace ddtr::platform::windows::driver {

DriverLayout driver_layout(std::uint64_t version) {
  switch (version) {
    case 0x16:
      return {version, kFilterDefinitionSizeV16, false};
    case 0x18:
      return {version, kFilterDefinitionSize, true};
    default:
      break;
  }
  // A record of the wrong layout would be refused by the driver at best and
  // misread at worst: an unknown version stops here, before any IOCTL.
  char hex[24];
  std::snprintf(hex, sizeof hex, "0x%llx", static_cast<unsigned long long>(version));
  throw Error(ErrorCode::InvalidRequest, std::string("unsupported ddnpm driver version ") + hex +
                                             ": this build knows 0x16 (152-byte filters, no discard) and 0x18");
}

}  // namespace ddtr::platform::windows::driver
