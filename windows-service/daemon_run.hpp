// The Windows daemon's run, the same under the SCM and on a console: start
// the driver if asked, serve Cap'n Proto on the pipe until told to stop.
#pragma once

#include <functional>

#include "windows-service/service_command.hpp"
#include "windows-service/service_log.hpp"
#include "windows-service/service_status.hpp"

namespace ddtr::winservice {

// Returns 0 after a requested stop, 1 when the daemon could not start.
int run_daemon(const RunOptions& options, ServiceLog& log, const StopSignal& stop, const std::function<void()>& started);

}  // namespace ddtr::winservice
