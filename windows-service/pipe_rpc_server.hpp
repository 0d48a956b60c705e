// Cap'n Proto on the daemon's named pipe: a thread waits for clients
// (PipeServer::accept blocks), the KJ thread runs one two-party RPC system per
// connection whose bootstrap capability knows the caller's identity, read
// from the pipe; the bootstrap callback also decides whether a connection is
// over its limits (refused: answered for a while, then closed; or closed at
// once). The Windows counterpart of daemon/rpc/rpc_server. Windows only.
#pragma once

#include <capnp/capability.h>
#include <kj/async-io.h>
#include <kj/time.h>

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "daemon/policy/identity.hpp"
#include "platform/windows/pipe/pipe_server.hpp"

namespace ddtr::winservice {

class PipeRpcServer {
 public:
  // One connection's capability and what it holds while it lives (its
  // connection-count lease). `refused`: closed after kRefusedLifetime.
  struct Session {
    capnp::Capability::Client bootstrap;
    std::shared_ptr<void> holds;
    bool refused = false;
  };
  static constexpr auto kRefusedLifetime = 5 * kj::SECONDS;  // as the Unix daemon's
  // nullopt: close the connection now.
  using Bootstrap = std::function<std::optional<Session>(const policy::Identity& who)>;
  using Logger = std::function<void(const std::string& line)>;

  // Creates the pipe (throws ddtr::Error if it cannot) and starts accepting.
  PipeRpcServer(kj::AsyncIoContext& io, platform::windows::pipe::PipeServerOptions options, Bootstrap bootstrap,
                Logger log);
  // Stops accepting, then drops every connection (and their calls).
  ~PipeRpcServer();

  // Serves until the returned promise is dropped.
  kj::Promise<void> run();
  int connections() const { return static_cast<int>(connections_); }

 private:
  struct Handoff;  // accepted streams, from the accept thread to the KJ thread
  void serve(std::unique_ptr<platform::windows::pipe::PipeStream> stream);

  kj::AsyncIoContext& io_;
  Bootstrap bootstrap_;
  Logger log_;
  platform::windows::pipe::PipeServer server_;
  std::shared_ptr<Handoff> handoff_;
  std::thread acceptor_;
  struct ErrorHandler : kj::TaskSet::ErrorHandler {
    Logger* log = nullptr;
    void taskFailed(kj::Exception&& exception) override;
  } error_handler_;
  kj::TaskSet tasks_;  // the connections; after error_handler_, which it uses
  int connections_ = 0;
};

}  // namespace ddtr::winservice
