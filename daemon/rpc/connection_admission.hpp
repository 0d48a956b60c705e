// The rule for a new connection, the same on the Unix socket and the Windows
// pipe. A user may hold at most
//  - its role's max_connections, and
//  - global.max_connections minus a reserve (an eighth, at least one), so
//    that no one user's connections can fill the daemon: the reserve is always
//    left for the others;
// and nobody gets one once global.max_connections are open. A connection
// refused by any of these is told why (QUOTA_EXCEEDED naming the limit and the
// user) and closed at once; it is never counted, so refused connections cannot
// crowd anyone out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "daemon/policy/identity.hpp"
#include "daemon/rpc/tracer_impl.hpp"
#include "shared/common/error.hpp"

namespace ddtr::rpcserver {

struct ConnectionVerdict {
  // Windows' pipe server: no room in the daemon at all, close without serving.
  bool close_now = false;
  std::optional<Error> refusal;  // set: refused (the Unix server answers it and closes)
  std::uint64_t principal = 0;   // the key the connection counts under
};

struct ConnectionCounts {
  int user_open = 0;   // this user's accepted connections
  int total_open = 0;  // everyone's
};

struct ConnectionLimits {
  std::string user_name;
  std::string role;
  int user_max = 0;    // roles.<role>.max_connections
  int global_max = 0;  // global.max_connections
};

// The most connections one user may hold of `global_max`.
int one_user_share(int global_max);

// The rule above on plain numbers.
std::optional<Error> connection_refusal(const ConnectionCounts& counts, const ConnectionLimits& limits);

// The rule for `who` against the daemon's counts and policy now.
ConnectionVerdict judge_connection(DaemonContext& daemon, const policy::Identity& who);

}  // namespace ddtr::rpcserver
