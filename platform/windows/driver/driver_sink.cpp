#include "platform/windows/driver/driver_sink.hpp"

#include "platform/windows/common/win_error.hpp"
#include "shared/common/error.hpp"

namespace ddtr::platform::windows::driver {

DriverSink::DriverSink(DataDevice& device) {
  try {
    handle_ = device.open(0);
  } catch (const Error& e) {
    throw Error(e.code(), std::string("NewSinkDriver failed to create handle: ") + e.what());
  }
}

WireTime DriverSink::write_to(std::span<const std::uint8_t> packet, const Endpoint& /*destination*/) {
  auto sent_at = WireClock::now();
  // Upstream passes no byte count; a synchronous handle needs one.
  DWORD written = 0;
  if (!::WriteFile(handle_.get(), packet.data(), static_cast<DWORD>(packet.size()), &written, nullptr)) {
    throw_last_error("failed to send packet via driver");
  }
  return sent_at;
}

}  // namespace ddtr::platform::windows::driver
