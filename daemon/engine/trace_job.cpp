#include "daemon/engine/trace_job.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <unordered_map>

#include "daemon/engine/go_error_text.hpp"
#include "daemon/engine/target_resolver.hpp"
#include "daemon/engine/probe_factory.hpp"
#include "platform/local_address.hpp"
#include "shared/result/normalize.hpp"

namespace ddtr::engine {
namespace {

// Sanity bounds of the daemon until the policy file (issue 5) makes them
// configurable: they keep one request from tying up the host.
constexpr int kMaxQueries = 1000;
constexpr int kMaxTimeoutMs = 3'600'000;


// Upstream's classification order across joined errors: the first matching
// category wins, not the first error.
ErrorCode classify(const std::vector<Error>& errors) {
  static constexpr ErrorCode kOrder[] = {ErrorCode::Dns, ErrorCode::InvalidRequest, ErrorCode::Timeout,
                                         ErrorCode::ConnRefused, ErrorCode::HostUnreach,
                                         ErrorCode::NetUnreach, ErrorCode::Denied};
  for (ErrorCode code : kOrder) {
    for (const auto& e : errors) {
      if (e.code() == code) return code;
    }
  }
  return ErrorCode::Unknown;
}

Error join_distinct(const std::vector<Error>& errors) {
  std::vector<std::string> seen;
  std::string joined;
  for (const auto& e : errors) {
    if (std::find(seen.begin(), seen.end(), e.what()) != seen.end()) continue;
    seen.emplace_back(e.what());
    if (!joined.empty()) joined += '\n';
    joined += e.what();
  }
  return Error(classify(errors), joined);
}

}  // namespace

void validate_request(const TraceParams& p) {
  if (!is_known_protocol(p.protocol)) {
    throw Error(ErrorCode::InvalidRequest, "invalid target: unknown protocol: \"" + p.protocol + "\"");
  }
  if (p.protocol == "tcp" && !is_known_tcp_method(p.tcp_method)) {
    throw Error(ErrorCode::Unknown, "unexpected TCPMethod: " + p.tcp_method);
  }
  // ICMP never uses the port (upstream parses the target with 80 and reports
  // the request's port as given), so any value is answered as Go does.
  if (p.protocol != "icmp" && (p.port < 0 || p.port > 65535)) {
    throw Error(ErrorCode::InvalidRequest, "invalid port " + std::to_string(p.port) + ": must be 0..65535");
  }
  // Upstream casts TTLs to uint8 before checking them.
  int min_ttl = p.min_ttl & 0xff;
  int max_ttl = p.max_ttl & 0xff;
  if (min_ttl > max_ttl) throw Error(ErrorCode::Unknown, "min TTL must be less than or equal to max TTL");
  if (min_ttl < 1) throw Error(ErrorCode::Unknown, "min TTL must be at least 1");
  if (p.timeout_ms < 1 || p.timeout_ms > kMaxTimeoutMs) {
    throw Error(ErrorCode::InvalidRequest,
                "invalid timeout " + std::to_string(p.timeout_ms) + " ms: must be 1.." + std::to_string(kMaxTimeoutMs));
  }
  if (p.delay_ms < 0 || p.delay_ms > 10'000) {
    throw Error(ErrorCode::InvalidRequest, "invalid delay " + std::to_string(p.delay_ms) + " ms: must be 0..10000");
  }
  if (p.traceroute_queries > kMaxQueries || p.e2e_queries > kMaxQueries) {
    throw Error(ErrorCode::InvalidRequest,
                "too many queries: traceroute and e2e queries are limited to " + std::to_string(kMaxQueries));
  }
  // getaddrinfo and inet_pton stop at a NUL: the daemon would trace a prefix
  // of the name it validated and logged. Only a hand-made RPC client sends one.
  if (p.hostname.find('\0') != std::string::npos) {
    throw Error(ErrorCode::InvalidRequest, "invalid target: hostname contains a NUL byte");
  }
}

TraceJob::TraceJob(EngineContext context, TraceParams params, TraceObserver observer)
    : context_(context), params_(std::move(params)), observer_(std::move(observer)), e2e_timer_(context.io) {
  if (params_.port == 0) params_.port = defaults::kPort;
  params_.min_ttl &= 0xff;
  params_.max_ttl &= 0xff;
}

void TraceJob::start() {
  try {
    validate_request(params_);
  } catch (const Error& e) {
    fail(e);
    return;
  }
  // ICMP parses the target with port 80, as upstream (the port is then unused).
  int default_port = params_.protocol == "icmp" ? 80 : params_.port;
  // Weak: the lookup's callback must not keep a cancelled job alive.
  lookup_ = context_.resolver->resolve(observer_.principal, params_.hostname, default_port, params_.want_v6,
                                       [weak = weak_from_this()](ResolveResult result) {
                                         auto self = weak.lock();
                                         if (!self || self->done_) return;
                                         if (auto* error = std::get_if<Error>(&result)) {
                                           self->fail(*error);
                                         } else {
                                           self->on_resolved(std::get<Endpoint>(result));
                                         }
                                       });
}

void TraceJob::cancel() {
  if (done_) return;
  fail(Error(ErrorCode::Timeout, "context canceled"));
}

void TraceJob::on_resolved(const Endpoint& target) {
  target_ = target;
  if (observer_.check_target) {
    try {
      observer_.check_target(target_);
    } catch (const Error& e) {
      fail(e);
      return;
    }
  }
  int queries = std::max(params_.traceroute_queries, 0);
  int e2e = std::max(params_.e2e_queries, 0);
  outstanding_ = queries + e2e + (params_.collect_source_public_ip ? 1 : 0);
  if (outstanding_ == 0) {
    complete();
    return;
  }
  for (int i = 0; i < queries; ++i) start_run(static_cast<std::uint32_t>(i));
  if (e2e > 0) launch_e2e(0);
  // Upstream starts the fetch after launching the e2e probes; ours does not
  // wait for their pacing, and a failure leaves public_ip "" silently.
  if (params_.collect_source_public_ip) fetch_public_ip();
}

std::shared_ptr<ParallelRun> TraceJob::make_run(const TraceParams& params, int min_ttl, ParallelRun::HopCallback on_hop,
                                                std::function<void(std::variant<Run, Error>)> on_done) {
  bool sack = params.protocol == "tcp" && (params.tcp_method == "sack" || params.tcp_method == "prefer_sack");
  if (sack && params.tcp_method == "prefer_sack") {
    // Upstream: a NotSupported error anywhere in SACK means "run SYN from
    // scratch"; any other error is fatal.
    on_done = [weak = weak_from_this(), min_ttl, on_hop, on_done = std::move(on_done)](
                  std::variant<Run, Error> result) mutable {
      auto self = weak.lock();
      if (!self || self->done_) return;
      auto* error = std::get_if<Error>(&result);
      if (error && error->is_not_supported()) {
        spdlog::debug("SACK not supported, falling back to SYN: {}", error->what());
        TraceParams syn = self->params_;
        syn.tcp_method = "syn";
        try {
          auto run = self->make_run(syn, min_ttl, on_hop, on_done);
          self->live_runs_.push_back(run);
          run->start();
        } catch (const Error& e) {
          on_done(e);
        }
        return;
      }
      if (error) result = Error(error->code(), std::string("SACK traceroute failed fatally, not falling back: ") + error->what());
      on_done(std::move(result));
    };
  }
  // Upstream's words around whatever the run fails with (go_error_text.hpp);
  // inside prefer_sack's fallback wrapper, which must still see "not supported".
  on_done = [protocol = params.protocol, method = params.tcp_method,
             on_done = std::move(on_done)](std::variant<Run, Error> result) mutable {
    if (auto* error = std::get_if<Error>(&result)) result = wrap_run_error(protocol, method, *error);
    on_done(std::move(result));
  };
  PreparedRun prepared = [&] {
    try {
      return prepare_run(context_.io, params,
                         platform::CaptureChoice{params.use_windows_driver, context_.windows_driver_version}, target_,
                         min_ttl, *context_.ids, *context_.sources, context_.demux);
    } catch (const Error& e) {
      throw wrap_run_error(params.protocol, params.tcp_method, e);
    }
  }();
  // SACK's send delay is fixed at 10 ms upstream. Otherwise the daemon's
  // pacing (the window, or --send-delay), not the request's delay (which the
  // Go CLI fixes at 50 ms): the pacing is the burst put on the network, the
  // operator's call.
  RunConfig run_config;
  run_config.min_ttl = min_ttl;
  run_config.max_ttl = params.max_ttl;
  run_config.send_delay = sack ? std::optional(std::chrono::milliseconds(10)) : context_.pacing.send_delay;
  run_config.timeout = std::chrono::milliseconds(params.timeout_ms);
  run_config.window = context_.pacing.window;
  run_config.wait = context_.pacing.wait;
  run_config.gate = context_.gate;
  run_config.in_flight = context_.pacing.in_flight;
  // The identities (echo id lease, reserved port) live as long as the run's
  // done callback, i.e. until the run ends.
  return std::make_shared<ParallelRun>(
      context_.io, std::move(prepared.channel), run_config, std::move(on_hop),
      [skeleton = std::move(prepared.skeleton), identities = std::move(prepared.identities),
       on_done = std::move(on_done)](RunResult result) {
        if (auto* error = std::get_if<Error>(&result)) {
          on_done(std::move(*error));
          return;
        }
        Run run = skeleton;
        for (const auto& hop : std::get<RunOutcome>(result)) {
          Hop h;
          h.ttl = hop.ttl;
          if (hop.ip) h.ip_address = ip_text(*hop.ip);
          h.rtt_ms = hop.ip ? hop.rtt_ms : 0;
          h.is_dest = hop.is_dest;
          run.hops.push_back(std::move(h));
        }
        on_done(std::move(run));
      });
}

void TraceJob::start_run(std::uint32_t index) {
  std::weak_ptr<TraceJob> weak = weak_from_this();
  auto on_hop = [weak, index](const RunHop& hop) {
    auto self = weak.lock();
    if (!self || self->done_ || !self->observer_.on_hop) return;
    self->observer_.on_hop(HopEvent{HopEvent::Kind::TracerouteRun, index, hop.ttl,
                                    hop.ip ? ip_text(*hop.ip) : std::string(), hop.rtt_ms, hop.is_dest});
  };
  auto on_done = [weak](std::variant<Run, Error> result) {
    auto self = weak.lock();
    if (!self || self->done_) return;
    if (auto* run = std::get_if<Run>(&result)) {
      self->runs_.push_back(std::move(*run));
    } else {
      self->run_errors_.push_back(std::get<Error>(result));
    }
    self->part_done();
  };
  try {
    auto run = make_run(params_, params_.min_ttl, on_hop, on_done);
    live_runs_.push_back(run);
    run->start();
  } catch (const Error& e) {
    on_done(e);
  }
}

void TraceJob::launch_e2e(std::uint32_t index) {
  if (done_) return;
  int count = params_.e2e_queries;
  std::weak_ptr<TraceJob> weak = weak_from_this();
  auto on_done = [weak, index](std::variant<Run, Error> result) {
    auto self = weak.lock();
    if (!self || self->done_) return;
    double rtt = 0;  // upstream: an error or no destination hop records 0 (lost)
    if (auto* run = std::get_if<Run>(&result)) {
      for (const auto& hop : run->hops) {
        if (hop.is_dest) rtt = hop.rtt_ms;
      }
    } else {
      spdlog::debug("E2E probe error (recorded as 0 RTT): {}", std::get<Error>(result).what());
    }
    self->e2e_rtts_.push_back(rtt);
    if (self->observer_.on_hop) {
      HopEvent event{HopEvent::Kind::E2eProbe, index, self->params_.max_ttl,
                     rtt > 0 ? ip_text(self->target_.address) : std::string(), rtt, rtt > 0};
      self->observer_.on_hop(event);
    }
    self->part_done();
  };
  try {
    // One probe at TTL = MaxTTL; it never uses SACK (upstream).
    TraceParams e2e = params_;
    if (e2e.protocol == "tcp" && (e2e.tcp_method == "sack" || e2e.tcp_method == "prefer_sack")) e2e.tcp_method = "syn";
    auto run = make_run(e2e, params_.max_ttl, [](const RunHop&) {}, on_done);
    live_runs_.push_back(run);
    run->start();
  } catch (const Error& e) {
    on_done(e);
  }
  e2e_launched_ = index + 1;
  if (static_cast<int>(e2e_launched_) >= count) return;
  // Upstream's pacing: min(1 s, MaxTTL x Timeout / E2eQueries) between launches.
  auto spread = std::chrono::milliseconds(static_cast<long long>(params_.max_ttl) * params_.timeout_ms) / count;
  auto delay = std::min<std::chrono::nanoseconds>(std::chrono::seconds(1), spread);
  e2e_timer_.expires_after(delay);
  e2e_timer_.async_wait([weak, next = index + 1](const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (!ec && self) self->launch_e2e(next);
  });
}

void TraceJob::fetch_public_ip() {
  // Keyed by the source address toward the target: another uplink or a VPN
  // is another public IP. No route: the fetch itself will tell.
  std::string source;
  try {
    Endpoint toward = target_;
    if (toward.port == 0) toward.port = 80;  // connecting a UDP socket wants a port
    source = ip_text(context_.sources->local_endpoint_for(toward).address);
  } catch (const Error&) {
  }
  context_.public_ip.get(source, [weak = weak_from_this()](std::optional<std::string> ip) {
    auto self = weak.lock();
    if (!self || self->done_) return;
    if (ip) self->public_ip_ = *ip;
    self->part_done();
  });
}

void TraceJob::part_done() {
  if (--outstanding_ > 0 || done_) return;
  if (params_.traceroute_queries > 0 && runs_.empty() && !run_errors_.empty()) {
    fail(join_distinct(run_errors_));
    return;
  }
  if (!run_errors_.empty()) {
    spdlog::warn("Some traceroute runs failed ({}/{}): {}", run_errors_.size(), params_.traceroute_queries,
                 join_distinct(run_errors_).what());
  }
  if (params_.reverse_dns) {
    enrich_then_complete();
  } else {
    complete();
  }
}

void TraceJob::enrich_then_complete() {
  // Each distinct address once (upstream looks up every occurrence, then
  // caches); the names go back to every place the address appears.
  std::vector<std::string> addresses;
  auto add = [&addresses](const std::string& ip) {
    if (!ip.empty() && std::find(addresses.begin(), addresses.end(), ip) == addresses.end()) addresses.push_back(ip);
  };
  for (const Run& run : runs_) {
    add(run.destination.ip_address);
    for (const Hop& hop : run.hops) add(hop.ip_address);
  }
  if (addresses.empty()) {
    complete();
    return;
  }
  auto names = std::make_shared<std::unordered_map<std::string, enrich::ReverseDns::Names>>();
  auto remaining = std::make_shared<std::size_t>(addresses.size());
  std::weak_ptr<TraceJob> weak = weak_from_this();
  for (const auto& ip : addresses) {
    context_.reverse_dns.lookup(boost::asio::ip::make_address(ip), [weak, names, remaining, ip](
                                                                        enrich::ReverseDns::Names found) {
      auto self = weak.lock();
      if (!self || self->done_) return;
      if (!found.empty()) (*names)[ip] = std::move(found);
      if (--*remaining > 0) return;
      for (Run& run : self->runs_) {
        if (auto it = names->find(run.destination.ip_address); it != names->end()) {
          run.destination.reverse_dns = it->second;
        }
        for (Hop& hop : run.hops) {
          if (auto it = names->find(hop.ip_address); it != names->end()) hop.reverse_dns = it->second;
        }
      }
      self->complete();
    });
  }
}

void TraceJob::complete() {
  Results results;
  results.protocol = params_.protocol;
  results.source_public_ip = public_ip_;
  results.destination_hostname = params_.hostname;
  results.destination_port = params_.port;
  if (params_.traceroute_queries > 0) results.runs = std::move(runs_);
  if (params_.e2e_queries > 0) results.e2e_probe.rtts = std::move(e2e_rtts_);
  normalize(results, context_.run_ids);
  if (params_.skip_private_hops) remove_private_hops(results);
  done_ = true;
  live_runs_.clear();
  e2e_timer_.cancel();
  if (observer_.on_done) observer_.on_done(std::move(results));
}

void TraceJob::fail(Error error) {
  if (done_) return;
  done_ = true;
  lookup_.cancel();  // a cancelled trace's lookup ends now, its callback never runs
  e2e_timer_.cancel();
  for (auto& run : live_runs_) run->cancel();
  live_runs_.clear();
  if (observer_.on_done) observer_.on_done(std::move(error));
}

}  // namespace ddtr::engine
