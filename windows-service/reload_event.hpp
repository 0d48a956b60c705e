// `datadog-tracerouted reload` reaching a running daemon: a named event per
// pipe, which the daemon creates (only SYSTEM and Administrators may set it)
// and waits on, and the command sets. The service's PARAMCHANGE reaches the
// same reload through its control handler. Windows only.
#pragma once

#include <string>

#include "platform/windows/common/unique_handle.hpp"

namespace ddtr::winservice {

// "Global\datadog-tracerouted.reload.<pipe name after \\.\pipe\, backslashes
// as '_'>": one daemon per pipe, across sessions (a service runs in session 0,
// the administrator who types `reload` in another).
std::wstring reload_event_name(const std::string& pipe_name);

// The daemon's auto-reset event; an invalid handle (and `error` set) when it
// cannot be created (then `reload` cannot reach this daemon; PARAMCHANGE can).
platform::windows::UniqueHandle create_reload_event(const std::string& pipe_name, std::string& error);

// The command's side: sets the event. Throws ddtr::Error naming the pipe when
// no daemon serves it (or the caller may not set the event).
void request_reload(const std::string& pipe_name);

}  // namespace ddtr::winservice
