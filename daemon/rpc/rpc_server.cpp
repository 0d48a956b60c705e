#include "daemon/rpc/rpc_server.hpp"

#include <spdlog/spdlog.h>

#include "daemon/rpc/connection_admission.hpp"
#include "daemon/rpc/idle_memory.hpp"
#include "platform/peer_credentials.hpp"

namespace ddtr::rpcserver {
namespace {

// A connection over its limit is answered for this long, then closed: long
// enough for the client to read why, short enough that a flood cannot hold
// descriptors.
constexpr auto kRefusedConnectionLifetime = 5 * kj::SECONDS;

// Everything one client connection owns; destroying it cancels its calls.
struct Connection {
  kj::Own<kj::AsyncIoStream> stream;
  capnp::TwoPartyVatNetwork network;
  capnp::RpcSystem<capnp::rpc::twoparty::VatId> rpc;
  std::unique_ptr<ConnectionRegistry::Lease> lease;

  Connection(kj::Own<kj::AsyncIoStream> s, capnp::Capability::Client bootstrap,
             std::unique_ptr<ConnectionRegistry::Lease> l)
      : stream(kj::mv(s)),
        network(*stream, capnp::rpc::twoparty::Side::SERVER),
        rpc(capnp::makeRpcServer(network, kj::mv(bootstrap))),
        lease(std::move(l)) {}
};

policy::Identity identity_of(const platform::PeerCredentials& peer) {
  policy::Identity who;
  who.uid = peer.uid;
  who.gid = peer.gid;
  who.pid = peer.pid;
  who.user_name = peer.user_name;
  who.groups.assign(peer.groups.begin(), peer.groups.end());
  who.group_names = peer.group_names;
  return who;
}

}  // namespace

void RpcServer::ErrorHandler::taskFailed(kj::Exception&& exception) {
  spdlog::warn("connection ended with an error: {}", exception.getDescription().cStr());
}

RpcServer::RpcServer(DaemonContext& daemon, kj::Timer& timer, kj::Own<kj::ConnectionReceiver> listener)
    : daemon_(daemon), timer_(timer), listener_(kj::mv(listener)), tasks_(error_handler_) {}

kj::Promise<void> RpcServer::run() {
  return listener_->accept().then(
      [this](kj::Own<kj::AsyncIoStream>&& stream) {
        serve(kj::mv(stream));
        return run();
      },
      [this](kj::Exception&& e) {
        spdlog::error("accept failed: {}; retrying in 100 ms", e.getDescription().cStr());
        return timer_.afterDelay(100 * kj::MILLISECONDS).then([this] { return run(); });
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
  policy::Identity who = identity_of(peer);
  ConnectionVerdict verdict = judge_connection(daemon_, who);
  if (verdict.close_now) return;
  std::optional<Error> refusal = std::move(verdict.refusal);
  const std::uint64_t principal = verdict.principal;
  spdlog::debug("connection from uid={} user={} gid={} pid={}{}", who.uid, who.user_name, who.gid, who.pid,
                refusal ? " (over its connection limit)" : "");
  auto lease = daemon_.connections.open(principal);
  ++connection_events_;
  bool refused = refusal.has_value();
  auto tracer = kj::heap<TracerImpl>(daemon_, who, std::move(refusal));
  auto connection =
      kj::heap<Connection>(kj::mv(stream), capnp::Capability::Client(kj::mv(tracer)), std::move(lease));
  kj::Promise<void> ends = connection->network.onDisconnect();
  if (refused) ends = ends.exclusiveJoin(timer_.afterDelay(kRefusedConnectionLifetime));
  auto uid = who.uid;
  auto pid = who.pid;
  tasks_.add(ends.attach(kj::mv(connection)).then([this, uid, pid]() {
    spdlog::debug("connection closed: uid={} pid={}", uid, pid);
    release_memory_when_idle();
  }));
}

void RpcServer::release_memory_when_idle() {
  // The connection's objects are gone by then (its lease with them), so an idle
  // daemon counts no connection. Any accept or close meanwhile cancels this
  // release: only the last of a burst of closes releases, once.
  std::uint64_t events = ++connection_events_;
  tasks_.add(timer_.afterDelay(kj::SECONDS).then([this, events] {
    if (daemon_.connections.total() != 0 || connection_events_ != events) return;
    release_free_memory();
    spdlog::debug("idle: freed memory returned to the system");
  }));
}

}  // namespace ddtr::rpcserver
