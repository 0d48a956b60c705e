// Cap'n Proto on the daemon's named pipe: a thread waits for clients
// (PipeServer::accept blocks), the KJ thread runs one two-party RPC system per
// connection whose bootstrap capability knows the caller's identity, read
// from the pipe. The Windows counterpart of daemon/rpc/rpc_server. Windows only.
#pragma once

#include <capnp/capability.h>
#include <kj/async-io.h>

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "daemon/policy/identity.hpp"
#include "platform/windows/pipe/pipe_server.hpp"

namespace ddtr::winservice {

class PipeRpcServer {
 public:
  using Bootstrap = std::function<capnp::Capability::Client(const policy::Identity& who)>;
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
