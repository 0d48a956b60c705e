#include "daemon/http/trace_bridge.hpp"

#include "daemon/http/bearer_auth.hpp"

namespace ddtr::http {

void AsioOutbox::post(std::function<void()> fn) {
  std::lock_guard lock(mutex_);
  if (!closed_) post_(std::move(fn));
}

void AsioOutbox::close() {
  std::lock_guard lock(mutex_);
  closed_ = true;
}

TraceBridge::TraceBridge(gateway::TraceGateway& gateway, std::shared_ptr<gateway::KjMailbox> mailbox)
    : gateway_(gateway), mailbox_(std::move(mailbox)) {}

void TraceBridge::start(HttpTraceRequest request, Reply reply) {
  mailbox_->post([weak = weak_from_this(), request = std::move(request), reply = std::move(reply)]() mutable {
    if (auto self = weak.lock()) self->start_here(std::move(request), std::move(reply));
  });
}

void TraceBridge::cancel(std::uint64_t id) {
  mailbox_->post([weak = weak_from_this(), id] {
    if (auto self = weak.lock()) self->calls_.erase(id);  // destroying the call cancels it
  });
}

void TraceBridge::close() { calls_.clear(); }

void TraceBridge::start_here(HttpTraceRequest request, Reply reply) {
  gateway::Caller caller;
  caller.source = "http";
  caller.remote = request.remote;
  TraceParams params;
  if (auto* error = std::get_if<Error>(&request.params)) {
    caller.refusal = *error;
  } else {
    params = std::get<TraceParams>(request.params);
  }
  // A token names its caller (README: the token's name and role), so it wins
  // over the socket's owner. Without one, a placed local user is that user:
  // role from the access rules, the uid's own quota (shared with its RPC
  // calls), the uid in the audit line.
  if (request.authorization.empty() && request.caller.kind == LocalCaller::Kind::Placed) {
    caller.who = request.caller.who;
    caller.principal = policy::principal_key(caller.who);
    return submit(request.id, std::move(caller), std::move(params), std::move(reply));
  }
  if (request.authorization.empty() && request.caller.kind == LocalCaller::Kind::Gone) {
    caller.who.user_name = "http";
    caller.role = policy::RoleDecision{policy::Role::Denied, "http (loopback peer)"};
    caller.principal = gateway::http_principal_key("http");
    if (!caller.refusal) {
      caller.refusal = Error(ErrorCode::Unauthorized,
                             "cannot tell who is asking: the loopback peer's socket is already closed");
    }
    return submit(request.id, std::move(caller), std::move(params), std::move(reply));
  }
  // The current policy's tokens: a reload takes effect for the next request.
  try {
    HttpPrincipal principal = authenticate(gateway_.policy().rules()->config().http, request.authorization);
    caller.who.user_name = principal.name;
    caller.role = principal.role;
    caller.principal = gateway::http_principal_key(principal.name);
  } catch (const Error& e) {
    caller.who.user_name = "http";
    caller.role = policy::RoleDecision{policy::Role::Denied, "http.tokens"};
    caller.principal = gateway::http_principal_key("http");
    if (!caller.refusal) caller.refusal = e;
  }
  submit(request.id, std::move(caller), std::move(params), std::move(reply));
}

void TraceBridge::submit(std::uint64_t id, gateway::Caller caller, TraceParams params, Reply reply) {
  auto finished = std::make_shared<bool>(false);
  auto call = gateway_.submit(
      std::move(caller), std::move(params), nullptr,
      [weak = weak_from_this(), id, finished, reply = std::move(reply)](engine::TraceOutcome outcome) {
        *finished = true;
        reply(std::move(outcome));
        if (auto self = weak.lock()) self->calls_.erase(id);
      });
  if (!*finished) calls_[id] = std::move(call);  // a refusal has already been answered
}

}  // namespace ddtr::http
