// A policy reload as every OS's daemon does it: SIGHUP on Unix, the service's
// PARAMCHANGE and `datadog-tracerouted reload` on Windows. One code path, so
// the rules are the same everywhere.
#pragma once

#include <string>

#include "daemon/http/http_server.hpp"
#include "daemon/policy/policy_state.hpp"

namespace ddtr::http {

// The policy file takes effect whole or not at all: the HTTP rules are
// judged against the listener really serving (`http`, null when the API is
// off), the audit file is reopened (after a rotation, or at its new path).
// Logs the outcome; a failure keeps the previous policy and is logged as an
// error. Never throws. `http_file_listen`: see apply_http_reload. Call it on
// the thread that owns `policy` (the RPC loop's).
bool reload_policy(policy::PolicyState& policy, HttpServer* http, const std::string& http_file_listen);

}  // namespace ddtr::http
