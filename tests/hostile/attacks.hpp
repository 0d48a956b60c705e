// The attacks hostile_client runs: each takes its arguments after the
// subcommand, prints what it saw as "key: value" lines and returns the exit
// status. Only the daemon's Unix socket on this machine is ever touched.
#pragma once

#include <string>
#include <vector>

namespace ddtr::hostile {

using Args = std::vector<std::string>;

// pipeline-info SOCKET N HOLD_SECONDS [--no-finish]
int pipeline_info(const Args& args);
// hold-connections SOCKET N SECONDS
int hold_connections(const Args& args);
// trace-target SOCKET LENGTH
int trace_target(const Args& args);

}  // namespace ddtr::hostile
