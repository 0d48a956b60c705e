#include "daemon/rpc/rpc_server.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "daemon/rpc/bounded_message_stream.hpp"
#include "daemon/rpc/buffered_io_stream.hpp"
#include "daemon/rpc/connection_admission.hpp"
#include "daemon/rpc/connection_refusal.hpp"
#include "daemon/rpc/idle_memory.hpp"
#include "platform/peer_credentials.hpp"

namespace ddtr::rpcserver {
namespace {

// Flow control per connection (issue 14). Sizes:
//  - one incoming message: the largest legitimate one is a trace call, about
//    100 words with a 253-byte host name (the listener's returns are smaller);
//    8 Ki words (64 KiB) is 80 times that and keeps every longer name a typed
//    INVALID_REQUEST from the gateway rather than a dropped connection, while a
//    30 MB name is refused by the reader before it is allocated. Outgoing
//    messages (a maximal admin trace result is a few MiB) keep Cap'n Proto's
//    default limit, which the network checks on send.
//  - unsent replies: 1 MiB, counted as what they occupy (each queued message
//    is at least Cap'n Proto's 8 KiB first segment), so about 128 answers.
//  - calls in flight: 64 Ki words (512 KiB) of call messages not yet answered,
//    a few hundred trace calls, far above any role's queue; past it the
//    connection is not read until answers go out.
constexpr MessageStreamLimits kStreamLimits{1 << 20, 1 << 13, 16};
constexpr std::size_t kQueuedMessageBytes = 8 * 1024;
constexpr std::size_t kFlowLimitWords = 64 * 1024;

// A refused connection is kept, reading and dropping, until its client closes
// or this long, so the client reads why before its own writes could fail; at
// most kMaxLingering at once: a new one cuts the oldest short (which has had
// the most time to read why), so a flood cannot take the newest client's
// answer away.
constexpr auto kRefusedLinger = 1 * kj::SECONDS;
constexpr std::size_t kMaxLingering = 64;

// Everything one client connection owns; destroying it cancels its calls.
// Members go in reverse: the RPC system, then the network (its queued
// writes), then the message stream they write to, then the socket.
struct Connection {
  kj::Own<kj::AsyncIoStream> stream;
  BufferedIoStream buffered;  // reads the socket for the message stream
  BoundedMessageStream messages;
  capnp::TwoPartyVatNetwork network;
  capnp::RpcSystem<capnp::rpc::twoparty::VatId> rpc;
  std::unique_ptr<ConnectionRegistry::Lease> lease;

  Connection(kj::Own<kj::AsyncIoStream> s, kj::Timer& timer, capnp::Capability::Client bootstrap,
             std::unique_ptr<ConnectionRegistry::Lease> l)
      : stream(kj::mv(s)),
        buffered(*stream),
        messages(buffered, timer, kStreamLimits),
        network(messages, capnp::rpc::twoparty::Side::SERVER),
        rpc(capnp::makeRpcServer(network, kj::mv(bootstrap))),
        lease(std::move(l)) {
    messages.set_backlog([this] {
      return network.getCurrentQueueSize() + network.getCurrentQueueCount() * kQueuedMessageBytes;
    });
    rpc.setFlowLimit(kFlowLimitWords);
  }
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
    : daemon_(daemon),
      timer_(timer),
      listener_(kj::mv(listener)),
      refusal_log_(5, std::chrono::seconds(10)),
      tasks_(error_handler_) {}

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
  if (verdict.refusal) {
    refuse(kj::mv(stream), who, *verdict.refusal);
    return;
  }
  const std::uint64_t principal = verdict.principal;
  spdlog::debug("connection from uid={} user={} gid={} pid={}", who.uid, who.user_name, who.gid, who.pid);
  auto lease = daemon_.connections.open(principal);
  ++connection_events_;
  auto tracer = kj::heap<TracerImpl>(daemon_, who, std::nullopt);
  auto connection =
      kj::heap<Connection>(kj::mv(stream), timer_, capnp::Capability::Client(kj::mv(tracer)), std::move(lease));
  kj::Promise<void> ends = connection->network.onDisconnect();
  auto uid = who.uid;
  auto pid = who.pid;
  auto counted = kj::heap<metrics::ConnectionCount>(daemon_.gateway.metrics(), metrics::Source::Rpc);
  tasks_.add(ends.attach(kj::mv(connection), kj::mv(counted)).then([this, uid, pid]() {
    spdlog::debug("connection closed: uid={} pid={}", uid, pid);
    release_memory_when_idle();
  }));
}

void RpcServer::refuse(kj::Own<kj::AsyncIoStream> stream, const policy::Identity& who, const Error& refusal) {
  if (auto unlogged = refusal_log_.admit(std::chrono::steady_clock::now())) {
    spdlog::warn("refused a connection: uid={} pid={}: {} {}", who.uid,
                 who.pid, refusal.what(), unlogged_note(*unlogged));
  }
  if (lingering_.size() >= kMaxLingering) {
    lingering_.begin()->second->fulfill();
    lingering_.erase(lingering_.begin());
  }
  const std::uint64_t id = ++lingering_ids_;
  auto cut = kj::newPromiseAndFulfiller<void>();
  lingering_.emplace(id, kj::mv(cut.fulfiller));
  tasks_.add(refuse_connection(kj::mv(stream), refusal, timer_, kRefusedLinger, kj::mv(cut.promise))
                 .attach(kj::defer([this, id] { lingering_.erase(id); })));
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
