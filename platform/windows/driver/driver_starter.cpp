#include "platform/windows/driver/driver_starter.hpp"

namespace ddtr::platform::windows::driver {

DriverStarter::DriverStarter(std::unique_ptr<DriverServiceControl> control) : control_(std::move(control)) {}

void DriverStarter::start() {
  std::optional<Error> init_error;
  std::call_once(init_once_, [&] {
    try {
      control_->init();
      initialized_ = true;
    } catch (const Error& e) {
      init_error = e;
    }
  });
  if (init_error) {
    throw Error(init_error->code(), std::string("StartDriver failed to init driver: ") + init_error->what());
  }
  std::lock_guard lock(mutex_);
  // Upstream keeps Init's error in a local: a later call finds Init done and
  // Start refuses the uninitialised driver. The same answer here.
  if (!initialized_) {
    throw Error(ErrorCode::Unknown, "StartDriver failed to start driver: driver has not been initialized");
  }
  if (++users_ > 1) return;
  try {
    control_->ensure_running();
  } catch (const Error& e) {
    --users_;  // so that a later call tries the service again
    throw Error(e.code(), std::string("StartDriver failed to start driver: ") + e.what());
  }
}

int DriverStarter::users() const {
  std::lock_guard lock(mutex_);
  return users_;
}

}  // namespace ddtr::platform::windows::driver
