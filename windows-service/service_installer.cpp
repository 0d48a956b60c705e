#include "windows-service/service_installer.hpp"

#include <windows.h>

#include <chrono>
#include <thread>
#include <utility>
#include <vector>

#include "platform/windows/common/win_error.hpp"
#include "shared/common/error.hpp"
#include "windows-service/service_status.hpp"

namespace ddtr::winservice {
namespace {

class ScHandle {
 public:
  explicit ScHandle(SC_HANDLE h) : h_(h) {}
  ScHandle(ScHandle&& o) noexcept : h_(std::exchange(o.h_, nullptr)) {}
  ScHandle(const ScHandle&) = delete;
  ScHandle& operator=(const ScHandle&) = delete;
  ~ScHandle() {
    if (h_ != nullptr) ::CloseServiceHandle(h_);
  }
  SC_HANDLE get() const { return h_; }
  explicit operator bool() const { return h_ != nullptr; }

 private:
  SC_HANDLE h_;
};

std::wstring wide(const std::string& s) { return std::wstring(s.begin(), s.end()); }

ScHandle manager(DWORD access) {
  ScHandle m(::OpenSCManagerW(nullptr, nullptr, access));
  if (!m) platform::windows::throw_last_error("cannot open the service control manager");
  return m;
}

ScHandle open_service(const ScHandle& m, const std::string& name, DWORD access) {
  ScHandle s(::OpenServiceW(m.get(), wide(name).c_str(), access));
  if (!s) {
    DWORD error = ::GetLastError();
    if (error == ERROR_SERVICE_DOES_NOT_EXIST) throw Error(ErrorCode::Unknown, "service " + name + " is not installed");
    platform::windows::throw_win32("cannot open service " + name, error);
  }
  return s;
}

// Describes and hardens the service; an SCM that refuses one of these (an
// older Windows, wine) still has a working service.
void harden(SC_HANDLE s) {
  std::wstring text = L"Runs traceroutes for unprivileged users over \\\\.\\pipe\\datadog-traceroute, by policy.";
  SERVICE_DESCRIPTIONW description{text.data()};
  ::ChangeServiceConfig2W(s, SERVICE_CONFIG_DESCRIPTION, &description);
  SERVICE_PRESHUTDOWN_INFO preshutdown{kPreshutdownTimeoutMs};
  ::ChangeServiceConfig2W(s, SERVICE_CONFIG_PRESHUTDOWN_INFO, &preshutdown);
  // Restart after 5 s, then after 30 s, then stay stopped; counted over a day.
  SC_ACTION restart[] = {{SC_ACTION_RESTART, 5'000}, {SC_ACTION_RESTART, 30'000}, {SC_ACTION_NONE, 0}};
  SERVICE_FAILURE_ACTIONSW failure{86'400, nullptr, nullptr, 3, restart};
  ::ChangeServiceConfig2W(s, SERVICE_CONFIG_FAILURE_ACTIONS, &failure);
}

}  // namespace

void install_service(const std::string& name, const std::string& exe, const RunOptions& options,
                     const std::string& display_name) {
  auto m = manager(SC_MANAGER_CONNECT | SC_MANAGER_CREATE_SERVICE);
  std::wstring command = wide(service_command_line(exe, options));
  ScHandle s(::CreateServiceW(m.get(), wide(name).c_str(), wide(display_name).c_str(), SERVICE_ALL_ACCESS,
                              SERVICE_WIN32_OWN_PROCESS, SERVICE_AUTO_START, SERVICE_ERROR_NORMAL, command.c_str(),
                              nullptr, nullptr, nullptr, nullptr /* LocalSystem */, nullptr));
  if (!s) {
    DWORD error = ::GetLastError();
    if (error == ERROR_SERVICE_EXISTS) throw Error(ErrorCode::Unknown, "service " + name + " is already installed");
    platform::windows::throw_win32("cannot create service " + name, error);
  }
  harden(s.get());
}

void configure_service(const std::string& name) {
  auto m = manager(SC_MANAGER_CONNECT);
  auto s = open_service(m, name, SERVICE_CHANGE_CONFIG | SERVICE_START);
  harden(s.get());
}

void uninstall_service(const std::string& name) {
  auto m = manager(SC_MANAGER_CONNECT);
  auto s = open_service(m, name, SERVICE_STOP | SERVICE_QUERY_STATUS | DELETE);
  SERVICE_STATUS status{};
  if (::QueryServiceStatus(s.get(), &status) && status.dwCurrentState != SERVICE_STOPPED) {
    ::ControlService(s.get(), SERVICE_CONTROL_STOP, &status);
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (::QueryServiceStatus(s.get(), &status) && status.dwCurrentState != SERVICE_STOPPED &&
           std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
  if (!::DeleteService(s.get())) platform::windows::throw_last_error("cannot delete service " + name);
}

std::string installed_command_line(const std::string& name) {
  auto m = manager(SC_MANAGER_CONNECT);
  auto s = open_service(m, name, SERVICE_QUERY_CONFIG);
  DWORD needed = 0;
  ::QueryServiceConfigW(s.get(), nullptr, 0, &needed);
  std::vector<std::uint8_t> buffer(needed == 0 ? sizeof(QUERY_SERVICE_CONFIGW) : needed);
  auto* config = reinterpret_cast<QUERY_SERVICE_CONFIGW*>(buffer.data());
  if (!::QueryServiceConfigW(s.get(), config, static_cast<DWORD>(buffer.size()), &needed)) {
    platform::windows::throw_last_error("cannot query service " + name);
  }
  std::wstring path = config->lpBinaryPathName != nullptr ? config->lpBinaryPathName : L"";
  return std::string(path.begin(), path.end());
}

}  // namespace ddtr::winservice
