// Many targets from one client: every trace over one daemon connection, at
// most --parallel in flight, each result printed as one JSON line (the Go
// document, compact; or {"target","error"}) in the order they complete.
#pragma once

#include <string>
#include <vector>

#include "client/flags.hpp"
#include "shared/common/error.hpp"

namespace ddtr::client {

// The targets of a --targets-file: one per line, blank lines and lines
// starting with '#' skipped, surrounding blanks trimmed. Throws FlagError.
std::vector<std::string> read_targets_file(const std::string& path);

// The JSON line for a failed trace.
std::string batch_error_line(const std::string& target, const Error& error);

// Returns the exit status: 0 when every trace succeeded, 1 when one failed or
// the daemon is unreachable, 130 interrupted.
int run_batch(const ClientOptions& options, std::vector<std::string> targets);

}  // namespace ddtr::client
