// Upstream's StartDriver as an object, not a process global: the driver
// package's Init runs once for the object's life, its Start on every call
// (reference counted: only the first one starts the ddnpm service through the
// SCM). The daemon owns one and calls start() when --windows-driver asks for
// the driver. Errors: "StartDriver failed to init driver: …", "StartDriver
// failed to start driver: …".
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "shared/common/error.hpp"

namespace ddtr::platform::windows::driver {

// What Init and Start need from the service manager (a seam: the SCM in
// production, a fake in tests).
class DriverServiceControl {
 public:
  virtual ~DriverServiceControl() = default;
  // The agent's Init: get ready to talk to the SCM. Throws ddtr::Error.
  virtual void init() = 0;
  // The agent's startDriverService: running → nothing; disabled → demand
  // start first; then StartService without waiting for RUNNING. Throws
  // ddtr::Error ("could not open service ddnpm: …", "Unable to update
  // config: …", "could not start service ddnpm, preceding state N: …").
  virtual void ensure_running() = 0;
};

// The SCM on this machine (Windows only).
std::unique_ptr<DriverServiceControl> scm_driver_service_control();

class DriverStarter {
 public:
  explicit DriverStarter(std::unique_ptr<DriverServiceControl> control);
  DriverStarter(const DriverStarter&) = delete;
  DriverStarter& operator=(const DriverStarter&) = delete;

  // Thread-safe; may be called any number of times.
  void start();
  int users() const;  // Start calls not undone (upstream never calls Stop)

 private:
  std::unique_ptr<DriverServiceControl> control_;
  std::once_flag init_once_;
  bool initialized_ = false;
  mutable std::mutex mutex_;
  int users_ = 0;
};

}  // namespace ddtr::platform::windows::driver
