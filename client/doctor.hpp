// `datadog-traceroute doctor`: checks, from the caller's side, everything that
// stands between this user and a trace, and says what to do about each problem.
#pragma once

#include <ostream>
#include <string>

namespace ddtr::client {

// Prints one line per check ("ok", "warn" or "FAIL", then a fix for problems),
// and which way traces run ("mode: ..."): through the daemon, or in this
// process (--no-daemon, or no daemon and the privilege to run without one).
// Returns the exit status: 0 when nothing failed, 1 otherwise.
int run_doctor(const std::string& socket_path, bool no_daemon, std::ostream& out);

}  // namespace ddtr::client
