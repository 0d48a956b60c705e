// Windows PacketSink on the ddnpm driver (upstream's SinkDriver): a second,
// synchronous data handle; WriteFile hands the whole IP packet to the driver,
// which injects it. No filter is set on it. Windows only.
#pragma once

#include <memory>

#include "platform/packets.hpp"
#include "platform/windows/driver/data_device.hpp"

namespace ddtr::platform::windows::driver {

class DriverSink final : public PacketSink {
 public:
  // Throws ddtr::Error "NewSinkDriver failed to create handle: …".
  explicit DriverSink(DataDevice& device);
  // The destination is not used: the packet's own header says where it goes.
  // Throws ddtr::Error "failed to send packet via driver: …".
  WireTime write_to(std::span<const std::uint8_t> packet, const Endpoint& destination) override;

 private:
  UniqueHandle handle_;
};

}  // namespace ddtr::platform::windows::driver
