// The Tracer capability one connection sees: it knows who is calling (peer
// credentials read when the connection was accepted) and hands each trace to
// the engine, streaming hops back through the caller's HopListener.
#pragma once

#include <memory>

#include "daemon/engine/engine.hpp"
#include "daemon/rpc/kj_mailbox.hpp"
#include "platform/peer_credentials.hpp"
#include "proto/traceroute.capnp.h"

namespace ddtr::rpcserver {

class TracerImpl final : public wire::Tracer::Server {
 public:
  TracerImpl(engine::Engine& engine, std::shared_ptr<KjMailbox> mailbox, platform::PeerCredentials peer);

  kj::Promise<void> trace(TraceContext context) override;
  kj::Promise<void> info(InfoContext context) override;

 private:
  engine::Engine& engine_;
  std::shared_ptr<KjMailbox> mailbox_;
  platform::PeerCredentials peer_;
};

}  // namespace ddtr::rpcserver
