// The RPC-thread half of HTTP traces. The HTTP thread asks it to start or
// cancel a trace; it authenticates the caller against the current policy and
// passes the request through the same gateway as RPC calls (so the same
// policy, quotas and audit log), then hands the outcome back to the HTTP
// thread through an outbox. Callers on any thread; state on the RPC thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>

#include "daemon/gateway/trace_gateway.hpp"
#include "daemon/http/local_caller.hpp"

namespace ddtr::http {

// Closures from other threads into the HTTP server's loop; a no-op once the
// server closed it (so nothing is posted to a loop being torn down).
class AsioOutbox {
 public:
  using Post = std::function<void(std::function<void()>)>;
  explicit AsioOutbox(Post post) : post_(std::move(post)) {}
  void post(std::function<void()> fn);
  void close();

 private:
  std::mutex mutex_;
  Post post_;
  bool closed_ = false;
};

struct HttpTraceRequest {
  std::uint64_t id = 0;
  std::string remote;                         // "address:port"
  std::string authorization;                  // the header, "" when absent
  LocalCaller caller;                         // who owns the peer socket, when on loopback
  std::variant<TraceParams, Error> params;    // or why the query was refused
};

class TraceBridge : public std::enable_shared_from_this<TraceBridge> {
 public:
  using Reply = std::function<void(engine::TraceOutcome)>;  // runs on the RPC thread

  TraceBridge(gateway::TraceGateway& gateway, std::shared_ptr<gateway::KjMailbox> mailbox);

  // Any thread. `reply` runs once, unless cancel(id) comes first.
  void start(HttpTraceRequest request, Reply reply);
  void cancel(std::uint64_t id);
  // RPC thread, at shutdown: cancels what still runs.
  void close();

 private:
  void start_here(HttpTraceRequest request, Reply reply);
  void submit(std::uint64_t id, gateway::Caller caller, TraceParams params, Reply reply);

  gateway::TraceGateway& gateway_;
  std::shared_ptr<gateway::KjMailbox> mailbox_;
  std::unordered_map<std::uint64_t, std::unique_ptr<gateway::TraceGateway::Call>> calls_;  // RPC thread
};

}  // namespace ddtr::http
