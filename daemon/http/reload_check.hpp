// SIGHUP while the HTTP API listens: the exposure rules are judged against the
// socket that is really listening (its bound address), never the new file's
// http.listen, which only a restart applies.
#pragma once

#include <string>

#include "daemon/http/http_server.hpp"
#include "daemon/policy/policy_config.hpp"

namespace ddtr::http {

// Throws Error(INVALID_REQUEST) when `fresh` would leave the live listener
// breaking a rule (off loopback: tokens and anonymous_role "denied"), so the
// reload is refused and the old policy kept. `server` null: the API is off.
void check_http_reload(const HttpServer* server, const policy::HttpConfig& fresh);
// The same rule against a listener's bound address (what the above asks the server for).
void check_http_reload(const policy::ListenAddress& live, const policy::HttpConfig& fresh);

// After the new policy took effect: the HTTP thread gets the new limits and
// allowed hosts; a changed http.listen or http.enabled is logged as waiting
// for a restart. `file_listen`: the http.listen the socket was opened from,
// "" when --http-listen chose it (the file's value is ignored then).
void apply_http_reload(HttpServer* server, const policy::HttpConfig& fresh, const std::string& file_listen);

}  // namespace ddtr::http
