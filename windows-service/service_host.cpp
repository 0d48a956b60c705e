#include "windows-service/service_host.hpp"

#include <atomic>
#include <vector>

namespace ddtr::winservice {
namespace {

// Everything one service run shares between the dispatcher's threads.
struct ServiceRun {
  std::wstring name;
  DaemonRun daemon;
  ServiceLog& log;
  StopSignal stop;
  StatusReporter* reporter = nullptr;
  int exit_code = 0;
};

// The SCM calls ServiceMain without a context argument, so the run it belongs
// to has to be found through the one process-wide slot the API leaves: set
// before the dispatcher starts, cleared when it returns, never written in
// between. (The control handler gets its context properly, through
// RegisterServiceCtrlHandlerEx.)
std::atomic<ServiceRun*> dispatching{nullptr};

DWORD WINAPI control_handler(DWORD control, DWORD /*event_type*/, LPVOID /*event_data*/, LPVOID context) {
  auto* run = static_cast<ServiceRun*>(context);
  ControlAnswer answer = answer_control(control);
  if (answer.report && run->reporter != nullptr) run->reporter->report(SERVICE_STOP_PENDING, NO_ERROR, kPreshutdownTimeoutMs);
  if (answer.stop) {
    run->log.info("service control " + std::to_string(control) + ": stopping");
    run->stop.request();
  }
  if (answer.reload) {
    run->log.info("service control paramchange: reloading the policy");
    run->stop.request_reload();
  }
  return answer.result;
}

void WINAPI service_main(DWORD /*argc*/, LPWSTR* /*argv*/) {
  ServiceRun* run = dispatching.load();
  if (run == nullptr) return;
  SERVICE_STATUS_HANDLE handle = ::RegisterServiceCtrlHandlerExW(run->name.c_str(), control_handler, run);
  if (handle == nullptr) {
    run->log.error("RegisterServiceCtrlHandlerEx failed: " + std::to_string(::GetLastError()));
    run->exit_code = 1;
    return;
  }
  StatusReporter reporter(handle);
  run->reporter = &reporter;
  reporter.report(SERVICE_START_PENDING, NO_ERROR, 10'000);
  try {
    run->exit_code = run->daemon(run->stop, [&reporter] { reporter.report(SERVICE_RUNNING); });
  } catch (const std::exception& e) {
    run->log.error(std::string("the daemon failed: ") + e.what());
    run->exit_code = 1;
  }
  reporter.report(SERVICE_STOPPED, static_cast<DWORD>(run->exit_code));
  run->reporter = nullptr;
}

}  // namespace

int run_as_service(const std::string& name, DaemonRun daemon, ServiceLog& log) {
  ServiceRun run{std::wstring(name.begin(), name.end()), std::move(daemon), log, {}, nullptr, 0};
  ServiceRun* expected = nullptr;
  if (!dispatching.compare_exchange_strong(expected, &run)) {
    log.error("a service dispatcher is already running in this process");
    return 1;
  }
  std::vector<wchar_t> service_name(run.name.begin(), run.name.end());
  service_name.push_back(L'\0');
  SERVICE_TABLE_ENTRYW table[] = {{service_name.data(), service_main}, {nullptr, nullptr}};
  BOOL ok = ::StartServiceCtrlDispatcherW(table);
  DWORD error = ok ? 0 : ::GetLastError();
  dispatching.store(nullptr);
  if (!ok) {
    log.error("StartServiceCtrlDispatcher failed: " + std::to_string(error) +
              (error == ERROR_FAILED_SERVICE_CONTROLLER_CONNECT ? " (not started by the SCM; use 'foreground')" : ""));
    return static_cast<int>(error);
  }
  return run.exit_code;
}

namespace {

// The console's control handler has no context either; the console run owns
// the stop event and publishes it here for its own duration.
std::atomic<const StopSignal*> console_stop{nullptr};

BOOL WINAPI console_handler(DWORD /*type*/) {
  if (const StopSignal* stop = console_stop.load()) {
    stop->request();
    return TRUE;
  }
  return FALSE;
}

}  // namespace

int run_in_foreground(DaemonRun daemon, ServiceLog& log) {
  StopSignal stop;
  console_stop.store(&stop);
  ::SetConsoleCtrlHandler(console_handler, TRUE);
  int code = 1;
  try {
    code = daemon(stop, [&log] { log.info("running in the foreground; Ctrl-C stops"); });
  } catch (const std::exception& e) {
    log.error(std::string("the daemon failed: ") + e.what());
  }
  ::SetConsoleCtrlHandler(console_handler, FALSE);
  console_stop.store(nullptr);
  return code;
}

}  // namespace ddtr::winservice
