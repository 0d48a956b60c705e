// The daemon's Unix socket: created so any local user can connect (who may
// trace is decided per request in the daemon, not by file modes alone).
#pragma once

#include <string>

#include "platform/posix/unique_fd.hpp"

namespace ddtr::rpcserver {

struct SocketAccess {
  int mode = 0666;    // who may connect (the daemon still judges every request)
  std::string group;  // "" leaves the socket's group as created
};

// Creates the parent directory (0755) if missing, replaces a stale socket file
// (one nobody listens on), refuses to steal a live daemon's socket, binds,
// applies `access` and listens. Throws ddtr::Error.
platform::UniqueFd open_listener_socket(const std::string& path, const SocketAccess& access = {});

}  // namespace ddtr::rpcserver
