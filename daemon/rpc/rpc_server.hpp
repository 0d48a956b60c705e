// Accepts connections on the daemon socket; each connection gets its own
// Cap'n Proto RPC system whose bootstrap Tracer knows the peer's credentials.
#pragma once

#include <capnp/rpc-twoparty.h>
#include <kj/async-io.h>

#include <memory>

#include "daemon/engine/engine.hpp"
#include "daemon/rpc/kj_mailbox.hpp"

namespace ddtr::rpcserver {

class RpcServer {
 public:
  RpcServer(engine::Engine& engine, std::shared_ptr<KjMailbox> mailbox, kj::Own<kj::ConnectionReceiver> listener);
  // Accepts forever; rejects only if the listening socket fails.
  kj::Promise<void> run();

 private:
  void serve(kj::Own<kj::AsyncIoStream> stream);

  engine::Engine& engine_;
  std::shared_ptr<KjMailbox> mailbox_;
  kj::Own<kj::ConnectionReceiver> listener_;
  kj::TaskSet tasks_;

  struct ErrorHandler : kj::TaskSet::ErrorHandler {
    void taskFailed(kj::Exception&& exception) override;
  } error_handler_;
};

}  // namespace ddtr::rpcserver
