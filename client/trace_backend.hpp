// Which TraceService a command gets: the daemon when one answers at the
// socket; else, when this process holds CAP_NET_RAW (Windows: an elevated
// token), the engine in this process, as the Go tool runs for root. --no-daemon
// asks for the engine in-process whatever the socket. A process without the
// privilege never opens a raw socket: it is told both ways out.
#pragma once

#include <optional>
#include <string>

#include <kj/async-io.h>

#include "client/flags.hpp"
#include "client/trace_service.hpp"

namespace ddtr::client {

enum class TraceMode { Daemon, InProcess };

// Whether this build can run the engine in-process (POSIX; not Windows yet).
bool in_process_supported();

// The rule alone: nullopt when neither way can trace.
std::optional<TraceMode> choose_trace_mode(bool no_daemon, bool daemon_answers, bool privileged);

// What the client lacks to trace without a daemon, in this OS's words ("CAP_NET_RAW", "an elevated token").
std::string in_process_privilege();
// "run datadog-traceroute as root or with CAP_NET_RAW (...)": the way out that needs no daemon.
std::string in_process_hint();

// The daemon's DAEMON_UNAVAILABLE error `unavailable`, naming both ways out.
Error no_daemon_and_unprivileged(const Error& unavailable);
// --no-daemon without the privilege (DAEMON_UNAVAILABLE as well: no way to trace).
Error no_daemon_flag_unprivileged();

// Connects to the daemon or builds the in-process engine, by the rule above;
// throws the Error the user sees (DAEMON_UNAVAILABLE when neither). With
// options.verbose, says on stderr when the trace runs in-process. KJ thread,
// after InterruptWatch (the engine's thread inherits its signal mask).
kj::Own<TraceService> open_trace_service(kj::AsyncIoContext& io, const ClientOptions& options);

}  // namespace ddtr::client
