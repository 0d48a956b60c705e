// Handles on the ddnpm device and the one synchronous IOCTL call the
// traceroute makes on them. Windows only.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "platform/windows/common/unique_handle.hpp"
#include "platform/windows/driver/driver_api.hpp"

namespace ddtr::platform::windows::driver {

// The device path of a handle type (the agent's NewHandle); throws
// ddtr::Error "unknown Handle type <t>" for a value outside the enum.
const wchar_t* handle_path(HandleType type);

// DeviceIoControl that returns when the driver has answered, on an overlapped
// handle too. The OVERLAPPED carries an event whose handle has its low bit
// set, so the completion is not queued to the handle's IOCP: the read loop
// takes every completion it sees for one of its read buffers, and a NULL
// OVERLAPPED on an IOCP-bound handle is what made the agent's call hang.
// Returns the bytes the driver wrote to `out`; throws ddtr::Error("<system message>")
// (no prefix: the caller wraps it).
std::uint32_t synchronous_device_io_control(HANDLE handle, std::uint32_t code, std::span<const std::uint8_t> in,
                                            std::span<std::uint8_t> out);

}  // namespace ddtr::platform::windows::driver
