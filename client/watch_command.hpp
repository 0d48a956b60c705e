// `--watch` and `--report-cycles`: the round loop wired to the daemon
// connection, Ctrl-C, the keys, the screen and the report.
#pragma once

#include "client/flags.hpp"

namespace ddtr::client {

// Exit status: 0 (q, or the report's rounds done with at least one traced),
// 1 (the daemon unreachable or lost, or no round traced), kExitInterrupted
// after Ctrl-C (the final report is printed first in every case).
int run_watch(const ClientOptions& options);

}  // namespace ddtr::client
