#include "daemon/gateway/trace_gateway.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string_view>

#include "shared/common/target_length.hpp"

namespace ddtr::gateway {
namespace {

using Clock = std::chrono::steady_clock;

// Client text (a target, a user name) goes into the log with control bytes,
// quotes and backslashes escaped, so a hand-made request cannot forge log
// lines, close a quoted field early, or send terminal escapes.
std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f || c == '\\' || c == '"') {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
      out += escaped;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

double ms_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

// What an unauthenticated caller's target may leave in the log and the audit:
// enough to recognise it, not enough to fill a disk with.
constexpr std::size_t kUnauthenticatedTargetBytes = 64;
// An oversized field is shown by this much of its start.
constexpr std::size_t kClippedFieldBytes = 64;
// Protocol and TCP method names are short words ("icmp", "prefer_sack").
constexpr std::size_t kMaxWordBytes = 16;

// Settles the length of everything the caller wrote before any of it is
// logged or audited: an oversized field is clipped in the record (its length
// kept) and the request refused, INVALID_REQUEST.
std::optional<Error> bound_caller_text(policy::AuditRecord& audit, bool authenticated) {
  TraceParams& p = audit.params;
  std::optional<Error> problem;
  if (auto why = target_length_problem(p.hostname)) {
    problem = Error(ErrorCode::InvalidRequest, "invalid target: " + *why);
  }
  std::size_t keep = authenticated ? kMaxTargetBytes : kUnauthenticatedTargetBytes;
  if (problem) keep = std::min(keep, kClippedFieldBytes);
  if (p.hostname.size() > keep) {
    audit.target_bytes = p.hostname.size();
    p.hostname = clipped(p.hostname, keep);
  }
  for (std::string* word : {&p.protocol, &p.tcp_method}) {
    if (word->size() > kMaxWordBytes) {
      if (!problem) problem = Error(ErrorCode::InvalidRequest, "invalid request: an option value is " +
                                                                   std::to_string(word->size()) + " bytes long");
      *word = clipped(*word, kMaxWordBytes);
    }
  }
  return problem;
}

policy::EffectiveTrace effective_of(const TraceParams& p, const Endpoint& destination, bool probed) {
  policy::EffectiveTrace e;
  e.destination = destination;
  e.probed = probed;
  // As the engine sends them (TraceJob): 8-bit TTLs.
  e.min_ttl = p.min_ttl & 0xff;
  e.max_ttl = p.max_ttl & 0xff;
  e.timeout_ms = p.timeout_ms;
  e.traceroute_queries = p.traceroute_queries;
  e.e2e_queries = p.e2e_queries;
  e.protocol = p.protocol;
  e.tcp_method = p.tcp_method.empty() ? std::string(defaults::kTcpMethod) : p.tcp_method;
  return e;
}

void add_source_ports(policy::EffectiveTrace& e, const Results& results) {
  if (!results.runs || e.protocol == "icmp") return;
  for (const Run& run : *results.runs) {
    std::uint16_t port = run.source.port;
    if (port != 0 && std::find(e.source_ports.begin(), e.source_ports.end(), port) == e.source_ports.end()) {
      e.source_ports.push_back(port);
    }
  }
  std::sort(e.source_ports.begin(), e.source_ports.end());
}

// What the result says went out and came back: a hop per traceroute probe,
// and the e2e probe's own counts.
void count_probes(metrics::DaemonMetrics& counts, metrics::Protocol protocol, const Results& results) {
  std::uint64_t sent = static_cast<std::uint64_t>(std::max(results.e2e_probe.packets_sent, 0));
  std::uint64_t replies = static_cast<std::uint64_t>(std::max(results.e2e_probe.packets_received, 0));
  if (results.runs) {
    for (const Run& run : *results.runs) {
      sent += run.hops.size();
      replies += static_cast<std::uint64_t>(
          std::count_if(run.hops.begin(), run.hops.end(), [](const Hop& h) { return !h.ip_address.empty(); }));
    }
  }
  counts.probes(protocol, sent, replies);
}

}  // namespace

struct TraceGateway::Call::State {
  engine::Engine* engine = nullptr;
  policy::PolicyState* policy = nullptr;
  metrics::DaemonMetrics* metrics = nullptr;
  HopSink on_hop;
  DoneSink on_done;
  policy::Admission::Ticket ticket;
  std::optional<engine::Engine::TraceId> engine_id;
  policy::AuditRecord audit;
  Clock::time_point arrived = Clock::now();
  bool done = false;

  // Ends the request once: audit, free the slot, tell the transport.
  void finish(engine::TraceOutcome outcome) {
    if (done) return;
    done = true;
    if (auto* error = std::get_if<Error>(&outcome)) {
      audit.outcome = "error";
      audit.error = *error;
    } else {
      audit.outcome = "ok";
      if (audit.effective) add_source_ports(*audit.effective, std::get<Results>(outcome));
    }
    audit.duration_ms = ms_between(arrived, Clock::now());
    auto protocol = metrics::protocol_of(audit.params.protocol);
    if (auto* results = std::get_if<Results>(&outcome)) count_probes(*metrics, protocol, *results);
    metrics->trace_finished(protocol, audit.error ? metrics::Outcome::Error : metrics::Outcome::Ok,
                            audit.duration_ms / 1000);
    spdlog::info("trace done: {} {}{} after {:.3f}s (queued {:.3f}s)", describe_caller(), audit.outcome,
                 audit.error ? " " + std::string(error_code_name(audit.error->code())) + " (" + printable(audit.error->what()) + ")"
                             : std::string(),
                 audit.duration_ms / 1000, audit.queued_ms / 1000);
    ticket.release();
    publish_admission();
    policy->audit().write(audit);
    auto sink = std::move(on_done);
    on_hop = nullptr;
    if (sink) sink(std::move(outcome));
  }

  void cancel() {
    if (done) return;
    done = true;
    audit.outcome = "cancelled";
    audit.duration_ms = ms_between(arrived, Clock::now());
    spdlog::info("trace cancelled: {} (client went away)", describe_caller());
    if (engine_id) engine->cancel_trace(*engine_id);
    metrics->trace_finished(metrics::protocol_of(audit.params.protocol), metrics::Outcome::Cancelled,
                            audit.duration_ms / 1000);
    ticket.release();
    publish_admission();
    policy->audit().write(audit);
    on_hop = nullptr;
    on_done = nullptr;
  }

  // Running and queued traces, for a scrape on another thread.
  void publish_admission() {
    metrics->admission(static_cast<std::int64_t>(policy->admission().running()),
                       static_cast<std::int64_t>(policy->admission().queued()));
  }

  // The caller without its pid: who a refusal summary is about.
  std::string principal_name() const {
    if (audit.source == "http") return "http=" + printable(audit.who.user_name);
    if (audit.who.uid == policy::kNoUid) return "user=" + printable(audit.who.user_name);
    return "uid=" + std::to_string(audit.who.uid) + " (" + printable(audit.who.user_name) + ")";
  }

  std::string describe_caller() const {
    if (audit.source == "http") return "http=" + printable(audit.who.user_name) + " remote=" + audit.remote;
    // Windows callers have no uid: their SID says who they are.
    if (audit.who.uid == policy::kNoUid) return "user=" + printable(audit.who.user_name) + " pid=" + std::to_string(audit.who.pid);
    return "uid=" + std::to_string(audit.who.uid) + " pid=" + std::to_string(audit.who.pid);
  }
};

std::uint64_t http_principal_key(const std::string& name) {
  // FNV-1a: stable across reloads, which a token's index is not.
  std::uint32_t hash = 2166136261u;
  for (unsigned char c : name) {
    hash ^= c;
    hash *= 16777619u;
  }
  return (std::uint64_t{1} << 32) | hash;
}

TraceGateway::Call::Call(std::shared_ptr<State> state) : state_(std::move(state)) {}

TraceGateway::Call::~Call() {
  if (state_) state_->cancel();
}

TraceGateway::TraceGateway(engine::Engine& engine, std::shared_ptr<KjMailbox> mailbox, policy::PolicyState& policy)
    : engine_(engine), mailbox_(std::move(mailbox)), policy_(policy) {}

std::unique_ptr<TraceGateway::Call> TraceGateway::submit(Caller caller, TraceParams params, HopSink on_hop,
                                                         DoneSink on_done) {
  auto state = std::make_shared<Call::State>();
  state->engine = &engine_;
  state->policy = &policy_;
  state->metrics = &metrics_;
  state->on_hop = std::move(on_hop);
  state->on_done = std::move(on_done);
  policy::AuditRecord& audit = state->audit;
  audit.time = std::chrono::system_clock::now();
  audit.who = caller.who;
  audit.source = caller.source;
  audit.remote = caller.remote;
  audit.params = std::move(params);
  // First of all, before a byte of it is logged: how much the caller wrote.
  bool unauthenticated = caller.refusal && caller.refusal->code() == ErrorCode::Unauthorized;
  std::optional<Error> oversized = bound_caller_text(audit, !unauthenticated);
  const TraceParams& request = audit.params;

  auto rules = policy_.rules();  // this request keeps its rules through a reload
  policy::RoleDecision role = caller.role ? *caller.role : rules->role_of(caller.who);
  audit.role = std::string(policy::role_name(role.role));

  auto mailbox = mailbox_;
  auto& engine = engine_;
  std::weak_ptr<Call::State> weak = state;
  // Runs once admission gives the request a slot: now, or when one frees.
  bool wants_hops = static_cast<bool>(state->on_hop);
  // The packet budget travels with the trace: the engine paces its probes by it.
  engine::ProbeBudget budget{caller.principal, rules->limits(role.role).probes_per_second,
                             rules->config().global_probes_per_second};
  auto start = [&engine, mailbox, weak, rules, role, wants_hops, budget, principal = caller.principal]() {
    auto state = weak.lock();
    if (!state || state->done) return;
    state->audit.queued_ms = ms_between(state->arrived, Clock::now());
    state->metrics->trace_queue_wait(state->audit.queued_ms / 1000);
    // The engine thread holds only weak references, and reaches this thread
    // through the mailbox: transports own loop-bound objects (KJ, Asio).
    engine::TraceObserver observer;
    observer.principal = principal;  // bounds this user's name lookups in flight
    // A caller without a hop sink (the HTTP API, the batch client) costs no
    // hand-off per hop: the engine skips the event altogether.
    if (wants_hops) {
      observer.on_hop = [mailbox, weak](const engine::HopEvent& event) {
        mailbox->post([weak, event] {
          auto state = weak.lock();
          if (state && !state->done && state->on_hop) state->on_hop(event);
        });
      };
    }
    observer.on_done = [mailbox, weak](engine::TraceOutcome outcome) {
      mailbox->post([weak, outcome = std::move(outcome)]() mutable {
        if (auto state = weak.lock()) state->finish(std::move(outcome));
      });
    };
    // `rules` is immutable, so the engine thread may read it while a reload
    // swaps in new rules here. The resolved target goes to the audit record
    // (through the mailbox, so before the outcome), judged or refused.
    observer.check_target = [rules, role, mailbox, weak, params = state->audit.params](const Endpoint& target) {
      bool passed = false;
      auto record = [&] {
        mailbox->post([weak, effective = effective_of(params, target, passed)] {
          if (auto state = weak.lock()) state->audit.effective = effective;
        });
      };
      try {
        rules->check_target(role, params.protocol, target);
      } catch (...) {
        record();
        throw;
      }
      passed = true;
      record();
    };
    state->engine_id = engine.start_trace(state->audit.params, std::move(observer), budget);
  };

  try {
    if (caller.refusal) throw *caller.refusal;  // e.g. a bad token: 401 first, whatever the target
    if (oversized) throw *oversized;
    engine::validate_request(request);
    rules->check_request(caller.who, role, request);
    state->ticket =
        policy_.admission().submit(caller.principal, caller.who.user_name, role.role, rules->limits(role.role), start);
  } catch (const Error& e) {
    audit.verdict = "refused";
    audit.error = e;
    audit.duration_ms = ms_between(state->arrived, Clock::now());
    state->done = true;
    metrics_.refused(e.code(), metrics::source_of(audit.source));
    // A refusal costs its caller: past the budget, no line of its own.
    if (policy_.refusals().take(caller.principal, state->principal_name(), e.code())) {
      log_request(*state);
      spdlog::info("trace refused: {} {} ({})", state->describe_caller(), error_code_name(e.code()), printable(e.what()));
      policy_.audit().write(audit);
    }
    report_suppressed_refusals();
    if (state->on_done) state->on_done(e);
    return std::make_unique<Call>(nullptr);
  }
  audit.verdict = "allowed";
  metrics_.trace_started(metrics::protocol_of(request.protocol));
  state->publish_admission();
  log_request(*state);
  if (!state->ticket.running()) {
    spdlog::debug("trace queued: {} ({} running, {} waiting daemon-wide)", state->describe_caller(),
                  policy_.admission().running(), policy_.admission().queued());
  }
  report_suppressed_refusals();
  return std::make_unique<Call>(state);
}

void TraceGateway::log_request(const Call::State& state) {
  const policy::AuditRecord& audit = state.audit;
  spdlog::info("trace request: {} user={} gid={} role={} target=\"{}\"{} params={}", state.describe_caller(),
               printable(audit.who.user_name), audit.who.gid, audit.role, printable(audit.params.hostname),
               audit.target_bytes ? " target_bytes=" + std::to_string(*audit.target_bytes) : std::string(),
               printable(describe(audit.params)));
}

void TraceGateway::report_suppressed_refusals() {
  for (const auto& summary : policy_.refusals().due()) {
    spdlog::warn("trace refusals: {}", policy::describe(summary));
    policy_.audit().write(summary, std::chrono::system_clock::now());
  }
}

kj::Promise<void> TraceGateway::report_suppressed_refusals_every(kj::Timer& timer, kj::Duration period) {
  return timer.afterDelay(period).then([this, &timer, period] {
    report_suppressed_refusals();
    return report_suppressed_refusals_every(timer, period);
  });
}

}  // namespace ddtr::gateway
