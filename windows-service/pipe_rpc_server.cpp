#include "windows-service/pipe_rpc_server.hpp"

#include <capnp/rpc-twoparty.h>

#include "platform/windows/pipe/kj_pipe_stream.hpp"
#include "windows-service/caller_identity.hpp"

namespace ddtr::winservice {

using platform::windows::pipe::PipeStream;

struct PipeRpcServer::Handoff {
  std::mutex mutex;
  std::deque<std::unique_ptr<PipeStream>> ready;
  kj::Own<kj::CrossThreadPromiseFulfiller<void>> wake;  // the KJ thread's, replaced after each wake-up
  bool closed = false;
};

namespace {

// Everything one client connection owns; destroying it cancels its calls.
struct Connection {
  kj::Own<kj::AsyncIoStream> stream;
  capnp::TwoPartyVatNetwork network;
  capnp::RpcSystem<capnp::rpc::twoparty::VatId> rpc;
  std::shared_ptr<void> holds;  // released after the RPC system is gone
  Connection(kj::Own<kj::AsyncIoStream> s, capnp::Capability::Client bootstrap, std::shared_ptr<void> h)
      : stream(kj::mv(s)),
        network(*stream, capnp::rpc::twoparty::Side::SERVER),
        rpc(capnp::makeRpcServer(network, kj::mv(bootstrap))),
        holds(std::move(h)) {}
};

}  // namespace

void PipeRpcServer::ErrorHandler::taskFailed(kj::Exception&& exception) {
  (*log)(std::string("connection ended with an error: ") + exception.getDescription().cStr());
}

PipeRpcServer::PipeRpcServer(kj::AsyncIoContext& io, platform::windows::pipe::PipeServerOptions options,
                             Bootstrap bootstrap, Logger log)
    : io_(io),
      bootstrap_(std::move(bootstrap)),
      log_(std::move(log)),
      server_(std::move(options)),
      handoff_(std::make_shared<Handoff>()),
      tasks_(error_handler_) {
  error_handler_.log = &log_;
  acceptor_ = std::thread([this, handoff = handoff_] {
    for (;;) {
      std::unique_ptr<PipeStream> stream;
      try {
        stream = server_.accept();
      } catch (const std::exception& e) {
        log_(std::string("accept failed: ") + e.what());
        ::Sleep(100);  // out of handles, say: retry, do not spin
        continue;
      }
      if (!stream) return;  // stopped
      std::lock_guard lock(handoff->mutex);
      if (handoff->closed) return;
      handoff->ready.push_back(std::move(stream));
      if (handoff->wake) {
        handoff->wake->fulfill();
        handoff->wake = nullptr;
      }
    }
  });
}

PipeRpcServer::~PipeRpcServer() {
  {
    std::lock_guard lock(handoff_->mutex);
    handoff_->closed = true;
    handoff_->wake = nullptr;
  }
  server_.stop();
  acceptor_.join();
}

kj::Promise<void> PipeRpcServer::run() {
  std::deque<std::unique_ptr<PipeStream>> ready;
  auto paf = kj::newPromiseAndCrossThreadFulfiller<void>();
  {
    std::lock_guard lock(handoff_->mutex);
    ready.swap(handoff_->ready);
    handoff_->wake = kj::mv(paf.fulfiller);
  }
  for (auto& stream : ready) serve(std::move(stream));
  return paf.promise.then([this] { return run(); });
}

void PipeRpcServer::serve(std::unique_ptr<PipeStream> stream) {
  policy::Identity who = policy_identity(*stream->peer());
  log_("connection from pid=" + std::to_string(who.pid) + " user=" + who.user_name +
       (who.account.empty() ? std::string() : " (" + who.account + ")"));
  std::optional<Session> session = bootstrap_(who);
  if (!session) return;  // over the daemon-wide limit: dropping the stream closes it
  auto connection = kj::heap<Connection>(platform::windows::pipe::kj_pipe_stream(io_.win32EventPort, std::move(stream)),
                                         kj::mv(session->bootstrap), std::move(session->holds));
  ++connections_;
  kj::Promise<void> ends = connection->network.onDisconnect();
  if (session->refused) ends = ends.exclusiveJoin(io_.provider->getTimer().afterDelay(kRefusedLifetime));
  auto pid = who.pid;
  tasks_.add(ends.attach(kj::mv(connection)).then([this, pid]() {
    --connections_;
    log_("connection closed: pid=" + std::to_string(pid));
  }));
}

}  // namespace ddtr::winservice
