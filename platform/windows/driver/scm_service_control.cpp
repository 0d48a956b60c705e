// The SCM side of StartDriver: the agent's startDriverService steps for the
// kernel service "ddnpm" (pkg/network/driver, pkg/util/winutil), restated.
#include <windows.h>

#include <chrono>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "platform/windows/common/win_error.hpp"
#include "platform/windows/driver/driver_api.hpp"
#include "platform/windows/driver/driver_starter.hpp"

namespace ddtr::platform::windows::driver {
namespace {

class UniqueServiceHandle {
 public:
  explicit UniqueServiceHandle(SC_HANDLE h = nullptr) noexcept : h_(h) {}
  UniqueServiceHandle(UniqueServiceHandle&& other) noexcept : h_(std::exchange(other.h_, nullptr)) {}
  UniqueServiceHandle(const UniqueServiceHandle&) = delete;
  UniqueServiceHandle& operator=(const UniqueServiceHandle&) = delete;
  ~UniqueServiceHandle() {
    if (h_ != nullptr) ::CloseServiceHandle(h_);
  }
  SC_HANDLE get() const noexcept { return h_; }
  explicit operator bool() const noexcept { return h_ != nullptr; }

 private:
  SC_HANDLE h_;
};

[[noreturn]] void fail(const std::string& what, DWORD error) {
  throw Error(ErrorCode::Unknown, what + ": " + system_message(error));
}

class ScmDriverServiceControl final : public DriverServiceControl {
 public:
  void init() override {
    // Fails early (and once) when this process may not talk to the SCM.
    UniqueServiceHandle manager(::OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT));
    if (!manager) fail("could not connect to the service control manager", ::GetLastError());
  }

  void ensure_running() override {
    UniqueServiceHandle manager(::OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT));
    if (!manager) fail("could not connect to the service control manager", ::GetLastError());
    if (state(manager.get()) == SERVICE_RUNNING) return;
    enable_if_disabled(manager.get());
    start(manager.get());
  }

 private:
  static UniqueServiceHandle open(SC_HANDLE manager, DWORD access) {
    UniqueServiceHandle service(::OpenServiceW(manager, kServiceName, access));
    if (!service) fail("could not open service ddnpm", ::GetLastError());
    return service;
  }

  static DWORD query(SC_HANDLE service) {
    SERVICE_STATUS status{};
    if (!::QueryServiceStatus(service, &status)) fail("could not query service ddnpm", ::GetLastError());
    return status.dwCurrentState;
  }

  static DWORD state(SC_HANDLE manager) { return query(open(manager, SERVICE_QUERY_STATUS).get()); }

  // A disabled driver cannot start: make it demand-start, changing nothing else.
  static void enable_if_disabled(SC_HANDLE manager) {
    auto service = open(manager, SERVICE_QUERY_STATUS | SERVICE_QUERY_CONFIG | SERVICE_CHANGE_CONFIG);
    DWORD needed = 0;
    ::QueryServiceConfigW(service.get(), nullptr, 0, &needed);
    std::vector<std::uint8_t> buffer(needed == 0 ? sizeof(QUERY_SERVICE_CONFIGW) : needed);
    auto* config = reinterpret_cast<QUERY_SERVICE_CONFIGW*>(buffer.data());
    if (!::QueryServiceConfigW(service.get(), config, static_cast<DWORD>(buffer.size()), &needed)) {
      fail("could not query service ddnpm config", ::GetLastError());
    }
    if (config->dwStartType != SERVICE_DISABLED) return;
    if (!::ChangeServiceConfigW(service.get(), SERVICE_NO_CHANGE, SERVICE_DEMAND_START, SERVICE_NO_CHANGE, nullptr,
                                nullptr, nullptr, nullptr, nullptr, nullptr, nullptr)) {
      fail("Unable to update config", ::GetLastError());
    }
  }

  // Starting or already started is enough; a service on its way down is
  // waited for (every 300 ms, up to 30 s) before it is started again.
  static void start(SC_HANDLE manager) {
    auto service = open(manager, SERVICE_START | SERVICE_QUERY_STATUS);
    DWORD current = query(service.get());
    if (current == SERVICE_RUNNING || current == SERVICE_START_PENDING) return;
    if (current == SERVICE_STOP_PENDING) {
      auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
      while (current == SERVICE_STOP_PENDING && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        current = query(service.get());
      }
    }
    if (!::StartServiceW(service.get(), 0, nullptr)) {
      fail("could not start service ddnpm, preceding state " + std::to_string(current), ::GetLastError());
    }
  }
};

}  // namespace

std::unique_ptr<DriverServiceControl> scm_driver_service_control() {
  return std::make_unique<ScmDriverServiceControl>();
}

}  // namespace ddtr::platform::windows::driver
