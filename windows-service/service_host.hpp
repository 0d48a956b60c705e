// Runs the daemon under the SCM: StartServiceCtrlDispatcher, the service main,
// a control handler for stop, shutdown and preshutdown, and the status
// reports around the daemon's own run. Windows only.
#pragma once

#include <functional>
#include <string>

#include "windows-service/service_log.hpp"
#include "windows-service/service_status.hpp"

namespace ddtr::winservice {

// The daemon itself: runs until `stop` is signalled, returns its exit code
// (0 = clean). `started` is called once it serves (then RUNNING is reported).
using DaemonRun = std::function<int(const StopSignal& stop, const std::function<void()>& started)>;

// Blocks in the service dispatcher until the service has stopped. Returns the
// daemon's exit code, or the dispatcher's error (ERROR_FAILED_SERVICE_CONTROLLER_CONNECT
// = 1063 when the process was not started by the SCM).
int run_as_service(const std::string& name, DaemonRun daemon, ServiceLog& log);

// The same daemon on a console: Ctrl-C, Ctrl-Break and closing the console stop it.
int run_in_foreground(DaemonRun daemon, ServiceLog& log);

}  // namespace ddtr::winservice
