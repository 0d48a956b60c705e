// Accepts connections on the daemon socket; each connection gets its own
// Cap'n Proto RPC system whose bootstrap Tracer knows the peer's credentials.
#pragma once

#include <capnp/rpc-twoparty.h>
#include <kj/async-io.h>
#include <kj/timer.h>

#include <cstdint>
#include <map>
#include <memory>

#include "daemon/rpc/refusal_log.hpp"
#include "daemon/rpc/tracer_impl.hpp"

namespace ddtr::rpcserver {

class RpcServer {
 public:
  RpcServer(DaemonContext& daemon, kj::Timer& timer, kj::Own<kj::ConnectionReceiver> listener);
  // Accepts until cancelled. A failing accept (out of file descriptors, say)
  // is logged and retried after a pause: it must not take the daemon down.
  kj::Promise<void> run();

 private:
  void serve(kj::Own<kj::AsyncIoStream> stream);
  // A connection over a limit: told why (QUOTA_EXCEEDED) and closed at once,
  // never counted; its log line is one of at most 5 per 10 s.
  void refuse(kj::Own<kj::AsyncIoStream> stream, const policy::Identity& who, const Error& refusal);
  // Called when a connection has gone: once no client has been connected for
  // a second, freed memory goes back to the OS (not after every lone trace).
  void release_memory_when_idle();

  DaemonContext& daemon_;
  kj::Timer& timer_;
  kj::Own<kj::ConnectionReceiver> listener_;
  RefusalLog refusal_log_;
  // Refused connections still open (see kMaxLingering), oldest first; each
  // ends early when its fulfiller is fulfilled.
  std::map<std::uint64_t, kj::Own<kj::PromiseFulfiller<void>>> lingering_;
  std::uint64_t lingering_ids_ = 0;
  kj::TaskSet tasks_;
  std::uint64_t connection_events_ = 0;  // accepts and closes: the idle release waits for quiet

  struct ErrorHandler : kj::TaskSet::ErrorHandler {
    void taskFailed(kj::Exception&& exception) override;
  } error_handler_;
};

}  // namespace ddtr::rpcserver
