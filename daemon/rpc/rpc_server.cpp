#include "daemon/rpc/rpc_server.hpp"

#include <spdlog/spdlog.h>

#include "daemon/rpc/tracer_impl.hpp"
#include "platform/peer_credentials.hpp"

namespace ddtr::rpcserver {
namespace {

// Everything one client connection owns; destroying it cancels its calls.
struct Connection {
  kj::Own<kj::AsyncIoStream> stream;
  capnp::TwoPartyVatNetwork network;
  capnp::RpcSystem<capnp::rpc::twoparty::VatId> rpc;

  Connection(kj::Own<kj::AsyncIoStream> s, capnp::Capability::Client bootstrap)
      : stream(kj::mv(s)),
        network(*stream, capnp::rpc::twoparty::Side::SERVER),
        rpc(capnp::makeRpcServer(network, kj::mv(bootstrap))) {}
};

}  // namespace

void RpcServer::ErrorHandler::taskFailed(kj::Exception&& exception) {
  spdlog::warn("connection ended with an error: {}", exception.getDescription().cStr());
}

RpcServer::RpcServer(engine::Engine& engine, std::shared_ptr<KjMailbox> mailbox,
                     kj::Own<kj::ConnectionReceiver> listener)
    : engine_(engine), mailbox_(std::move(mailbox)), listener_(kj::mv(listener)), tasks_(error_handler_) {}

kj::Promise<void> RpcServer::run() {
  return listener_->accept().then([this](kj::Own<kj::AsyncIoStream>&& stream) {
    serve(kj::mv(stream));
    return run();
  });
}

void RpcServer::serve(kj::Own<kj::AsyncIoStream> stream) {
  platform::PeerCredentials peer;
  KJ_IF_MAYBE(fd, stream->getFd()) {
    try {
      peer = platform::peer_credentials(*fd);
    } catch (const std::exception& e) {
      spdlog::warn("rejecting a connection whose credentials cannot be read: {}", e.what());
      return;
    }
  } else {
    spdlog::warn("rejecting a connection without a file descriptor");
    return;
  }
  spdlog::debug("connection from uid={} user={} gid={} pid={}", peer.uid, peer.user_name, peer.gid, peer.pid);
  auto tracer = kj::heap<TracerImpl>(engine_, mailbox_, peer);
  auto connection = kj::heap<Connection>(kj::mv(stream), capnp::Capability::Client(kj::mv(tracer)));
  auto disconnected = connection->network.onDisconnect();
  tasks_.add(disconnected.attach(kj::mv(connection)).then([peer]() {
    spdlog::debug("connection closed: uid={} pid={}", peer.uid, peer.pid);
  }));
}

}  // namespace ddtr::rpcserver
