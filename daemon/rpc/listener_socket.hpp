// The daemon's Unix socket: created so any local user can connect (who may
// trace is decided per request in the daemon, not by file modes alone).
#pragma once

#include <string>

#include "platform/linux/unique_fd.hpp"

namespace ddtr::rpcserver {

// Creates the parent directory (0755) if missing, replaces a stale socket file
// (one nobody listens on), refuses to steal a live daemon's socket, binds,
// chmods 0666 and listens. Throws ddtr::Error.
platform::UniqueFd open_listener_socket(const std::string& path);

}  // namespace ddtr::rpcserver
