#include "platform/windows/driver/data_device.hpp"

#include <array>

#include "platform/windows/common/win_error.hpp"
#include "platform/windows/driver/driver_handle.hpp"
#include "shared/common/error.hpp"

namespace ddtr::platform::windows::driver {
namespace {

class DdnpmDataDevice final : public DataDevice {
 public:
  // An unknown version is refused here, before any handle or IOCTL.
  explicit DdnpmDataDevice(std::uint64_t version) : signature_(driver_signature(driver_layout(version).version)) {}

  UniqueHandle open(DWORD flags) override {
    UniqueHandle h(::CreateFileW(handle_path(HandleType::Data), GENERIC_READ | GENERIC_WRITE,
                                 FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr, OPEN_EXISTING, flags, nullptr));
    if (!h.valid()) {
      DWORD error = ::GetLastError();
      throw Error(ErrorCode::Unknown, system_message(error));
    }
    return h;
  }

  void set_filter(HANDLE handle, const FilterBytes& filter) override {
    std::array<std::uint8_t, kFilterIdSize> id{};  // the filter's id: unused, as upstream
    synchronous_device_io_control(handle, kSetDataFilterIoctl, filter, id);
  }

  std::uint64_t signature() const override { return signature_; }

 private:
  std::uint64_t signature_;
};

}  // namespace

std::shared_ptr<DataDevice> ddnpm_data_device(std::uint64_t driver_version) {
  return std::make_shared<DdnpmDataDevice>(driver_version);
}

}  // namespace ddtr::platform::windows::driver
