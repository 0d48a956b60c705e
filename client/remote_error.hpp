// What a broken call or connection means to the user. The daemon sends a
// refusal it gives without serving (a connection over a limit, too many info
// calls) as an exception whose reason is "CODE: message"; it reaches the
// client as "remote exception: CODE: message" and becomes that typed error
// again. Anything else on a connection the daemon had accepted is a lost
// connection, not a daemon to start.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <capnp/common.h>
#include <kj/common.h>

#include "shared/common/error.hpp"

namespace ddtr::client {

// The typed error inside a Cap'n Proto exception's description, if any.
std::optional<Error> typed_remote_error(std::string_view description);

// The typed error in a Cap'n Proto Abort message at the start of `words`
// (bytes read from the socket after the connection failed), if any.
std::optional<Error> refusal_in(kj::ArrayPtr<const capnp::word> words);

// The error to report for a call that failed with `description` on a
// connection to `endpoint` that had been accepted.
Error connection_failure(const std::string& endpoint, std::string_view description);

}  // namespace ddtr::client
