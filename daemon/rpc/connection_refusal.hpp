// Saying no to a connection without serving it: one Cap'n Proto Abort message
// whose reason is "CODE: message" (the client turns it back into a typed
// error, client/remote_error), then the connection is closed. A client's
// pipelined calls fail with that reason instead of "Connection reset by peer".
#pragma once

#include <kj/async-io.h>
#include <kj/timer.h>

#include <string>

#include "shared/common/error.hpp"

namespace ddtr::rpcserver {

// "QUOTA_EXCEEDED: too many connections: ...": how a refusal travels.
std::string wire_reason(const Error& error);

// The same as an exception a server method throws (the caller gets the reason).
kj::Exception refusal_exception(const Error& error);

// Writes the Abort, shuts the write side, then reads and drops what the
// client sends until it closes, `linger_for` passes, or `cut_short` resolves,
// so the client's own first writes do not fail with EPIPE before it has read
// why; then the stream is gone.
kj::Promise<void> refuse_connection(kj::Own<kj::AsyncIoStream> stream, const Error& refusal, kj::Timer& timer,
                                    kj::Duration linger_for, kj::Promise<void> cut_short);

}  // namespace ddtr::rpcserver
