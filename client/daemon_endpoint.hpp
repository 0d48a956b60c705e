// Where the client meets the daemon: a Unix socket on POSIX, the named pipe on
// Windows. The only OS-specific part of the RPC client (posix/, windows/).
#pragma once

#include <optional>
#include <string>

#include <kj/async-io.h>

#include "shared/common/error.hpp"

namespace ddtr::client {

// A connected byte stream to the daemon at `endpoint` (--socket), on `io`'s
// event loop. Throws Error(DAEMON_UNAVAILABLE) from daemon_unavailable().
kj::Own<kj::AsyncIoStream> connect_daemon(kj::AsyncIoContext& io, const std::string& endpoint);

// The daemon's refusal (an Abort) already in `stream` and not yet read, if
// any; reads without waiting. (Windows: none; the pipe server refuses otherwise.)
std::optional<Error> unread_refusal(kj::AsyncIoStream& stream);

// "cannot reach the traceroute daemon at ENDPOINT: WHY (how to start it here)".
Error daemon_unavailable(const std::string& endpoint, const std::string& why);

}  // namespace ddtr::client
