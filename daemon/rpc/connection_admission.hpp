// The rule for a new connection, the same on the Unix socket and the Windows
// pipe: past the daemon-wide limit it is closed at once (even an answer costs
// too much then); past the caller's own limit it is served, but every trace
// call gets a QUOTA_EXCEEDED answer, so the client learns why.
#pragma once

#include <cstdint>
#include <optional>

#include "daemon/policy/identity.hpp"
#include "daemon/rpc/tracer_impl.hpp"
#include "shared/common/error.hpp"

namespace ddtr::rpcserver {

struct ConnectionVerdict {
  bool close_now = false;
  std::optional<Error> refusal;  // set: serve, refusing every trace with it
  std::uint64_t principal = 0;   // the key the connection counts under
};

// Logs the closing case (a warning naming the caller).
ConnectionVerdict judge_connection(DaemonContext& daemon, const policy::Identity& who);

}  // namespace ddtr::rpcserver
