// Socket activation: the listening socket systemd opened for the daemon
// (datadog-tracerouted.socket), when there is one.
//
// systemd owns that socket: it created the file, chose its mode and group, and
// keeps listening while the daemon restarts, so connections made meanwhile
// wait in its backlog instead of failing. The daemon serves on it and must
// neither re-create nor unlink the file.
#pragma once

#include <optional>
#include <string>

#include "platform/posix/unique_fd.hpp"

namespace ddtr::service {

struct InheritedSocket {
  platform::UniqueFd fd;  // listening, non-blocking, close-on-exec
  std::string path;       // the address it is bound to, for logs ("@name" if abstract)
};

// The one listening socket passed by the service manager (LISTEN_PID and
// LISTEN_FDS, see sd_listen_fds(3)), or nullopt when this process was not
// socket-activated. Throws ddtr::Error when it was given something the daemon
// cannot serve on: several sockets, or one that is not a listening AF_UNIX
// stream socket (a unit with ListenStream=PORT or ListenDatagram=, say).
// It clears LISTEN_* from the environment, so a second call returns nullopt.
std::optional<InheritedSocket> inherited_listen_socket();

}  // namespace ddtr::service
