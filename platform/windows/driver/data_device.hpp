// Where the driver source and sink get their handles and how filters reach the
// driver: the real ddnpm device, or a stand-in (the tests' named pipe).
// Windows only.
#pragma once

#include <memory>

#include "platform/windows/common/unique_handle.hpp"
#include "platform/windows/driver/filter_definition.hpp"

namespace ddtr::platform::windows::driver {

class DataDevice {
 public:
  virtual ~DataDevice() = default;
  // A data handle (the agent's NewHandle(flags, DataHandle)); throws
  // ddtr::Error with the system message, which the caller prefixes.
  virtual UniqueHandle open(DWORD flags) = 0;
  // One SET_DATA_FILTER; throws ddtr::Error with the system message.
  virtual void set_filter(HANDLE handle, const FilterBytes& filter) = 0;
  // DD_NPMDRIVER_SIGNATURE for the installed driver's version.
  virtual std::uint64_t signature() const = 0;
};

// \\.\ddnpm\transporthandle, filters by IOCTL 0x12200C.
std::shared_ptr<DataDevice> ddnpm_data_device(std::uint64_t driver_version = kDefaultDriverVersion);

}  // namespace ddtr::platform::windows::driver
