// One trace from the command line: connect, stream hops into the chosen
// output, print the result; Ctrl-C cancels the trace in the daemon.
#pragma once

#include "client/flags.hpp"

namespace ddtr::client {

inline constexpr int kExitInterrupted = 130;  // 128 + SIGINT, as shells report it

// Returns the exit status: 0, 1 (trace or daemon error, printed on stderr),
// kExitInterrupted.
int run_trace(const ClientOptions& options);

}  // namespace ddtr::client
