#include "windows-service/service_status.hpp"

#include "platform/windows/common/win_error.hpp"

namespace ddtr::winservice {

ControlAnswer answer_control(DWORD control) {
  switch (control) {
    case SERVICE_CONTROL_STOP:
    case SERVICE_CONTROL_SHUTDOWN:
    case SERVICE_CONTROL_PRESHUTDOWN: return ControlAnswer{NO_ERROR, true, true};
    case SERVICE_CONTROL_INTERROGATE: return ControlAnswer{NO_ERROR, false, false};
    case SERVICE_CONTROL_PARAMCHANGE: return ControlAnswer{NO_ERROR, false, false, true};
    default: return ControlAnswer{};
  }
}

SERVICE_STATUS next_status(const SERVICE_STATUS& previous, DWORD state, DWORD exit_code, DWORD wait_hint_ms) {
  SERVICE_STATUS s = previous;
  s.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
  s.dwCurrentState = state;
  bool pending = state == SERVICE_START_PENDING || state == SERVICE_STOP_PENDING;
  s.dwControlsAccepted = state == SERVICE_RUNNING ? kAcceptedControls : 0;
  s.dwCheckPoint = pending ? previous.dwCheckPoint + 1 : 0;
  s.dwWaitHint = pending ? wait_hint_ms : 0;
  if (exit_code == NO_ERROR) {
    s.dwWin32ExitCode = NO_ERROR;
    s.dwServiceSpecificExitCode = 0;
  } else {
    s.dwWin32ExitCode = ERROR_SERVICE_SPECIFIC_ERROR;
    s.dwServiceSpecificExitCode = exit_code;
  }
  return s;
}

StatusReporter::StatusReporter(SERVICE_STATUS_HANDLE handle) : handle_(handle) {}

void StatusReporter::report(DWORD state, DWORD exit_code, DWORD wait_hint_ms) {
  status_ = next_status(status_, state, exit_code, wait_hint_ms);
  if (handle_ != nullptr) ::SetServiceStatus(handle_, &status_);
}

StopSignal::StopSignal()
    : event_(::CreateEventW(nullptr, TRUE, FALSE, nullptr)), reload_(::CreateEventW(nullptr, FALSE, FALSE, nullptr)) {
  if (!event_.valid() || !reload_.valid()) platform::windows::throw_last_error("CreateEvent failed");
}

}  // namespace ddtr::winservice
