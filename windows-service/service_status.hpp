// SCM status and control rules as plain functions (tested under wine without
// an SCM), and the reporter that hands them to SetServiceStatus. Windows only.
#pragma once

#include <windows.h>

#include "platform/windows/common/unique_handle.hpp"

namespace ddtr::winservice {

// Stop, shutdown and preshutdown all end the daemon (preshutdown gives it the
// time to cancel traces and answer clients before the system goes down);
// paramchange (`sc control datadog-tracerouted paramchange`) reloads the policy.
inline constexpr DWORD kAcceptedControls =
    SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN | SERVICE_ACCEPT_PRESHUTDOWN | SERVICE_ACCEPT_PARAMCHANGE;
// How long the SCM waits on a preshutdown before it moves on.
inline constexpr DWORD kPreshutdownTimeoutMs = 15'000;

struct ControlAnswer {
  DWORD result = ERROR_CALL_NOT_IMPLEMENTED;  // what the handler returns to the SCM
  bool stop = false;                          // ask the daemon to stop
  bool report = false;                        // report STOP_PENDING now
  bool reload = false;                        // reload the policy file (the Unix daemon's SIGHUP)
};

ControlAnswer answer_control(DWORD control);

// The next SERVICE_STATUS: checkpoints count up while pending and reset
// otherwise, no control is accepted while starting or stopping, a failure
// exit is reported as a service-specific error.
SERVICE_STATUS next_status(const SERVICE_STATUS& previous, DWORD state, DWORD exit_code, DWORD wait_hint_ms);

class StatusReporter {
 public:
  explicit StatusReporter(SERVICE_STATUS_HANDLE handle);
  void report(DWORD state, DWORD exit_code = NO_ERROR, DWORD wait_hint_ms = 0);
  const SERVICE_STATUS& last() const { return status_; }

 private:
  SERVICE_STATUS_HANDLE handle_;  // owned by the SCM, never closed
  SERVICE_STATUS status_{};
};

// What the control handler asks of the running daemon, as events it waits on:
// stop (manual-reset: stays set) and reload (auto-reset: one reload per request).
class StopSignal {
 public:
  StopSignal();
  void request() const { ::SetEvent(event_.get()); }
  bool requested() const { return ::WaitForSingleObject(event_.get(), 0) == WAIT_OBJECT_0; }
  HANDLE handle() const { return event_.get(); }
  void request_reload() const { ::SetEvent(reload_.get()); }
  HANDLE reload_handle() const { return reload_.get(); }

 private:
  platform::windows::UniqueHandle event_;
  platform::windows::UniqueHandle reload_;
};

}  // namespace ddtr::winservice
