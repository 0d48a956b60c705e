#include "daemon/engine/engine.hpp"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

namespace ddtr::engine {
namespace {

// A laptop that moves to another network must not report the old public IP
// or names from the old resolver: both caches go when the network changes.
std::unique_ptr<platform::NetworkChangeWatcher> watch_network(boost::asio::io_context& io, enrich::ReverseDns& names,
                                                              enrich::PublicIp& public_ip) {
  try {
    return platform::watch_network_changes(io, [&names, &public_ip](const std::string& what) {
      std::size_t cached_names = names.cached();
      public_ip.invalidate();
      names.forget_all();
      spdlog::info("network changed ({}): forgot the cached public IPs and {} reverse DNS names", what, cached_names);
    });
  } catch (const Error& e) {
    spdlog::warn("network changes are not watched ({}): cached public IPs and names expire by age only", e.what());
    return nullptr;
  }
}

}  // namespace

// The daemon-wide cap every run of this engine shares.
static RunPacing with_in_flight_limit(RunPacing pacing, boost::asio::io_context& io) {
  pacing.in_flight = std::make_shared<InFlightLimit>(io, pacing.max_in_flight);
  return pacing;
}

Engine::Engine(EngineOptions options)
    : work_(boost::asio::make_work_guard(io_)),
      ids_(std::make_shared<IdAllocator>()),
      demux_(options.shared_capture ? ReplyDemux::for_platform(io_) : nullptr),
      pacing_(with_in_flight_limit(options.pacing, io_)),
      budgets_(std::make_shared<ProbeBudgets>()),
      windows_driver_version_(options.windows_driver_version),
      reverse_dns_(io_),
      public_ip_(io_, std::move(options.public_ip)),
      network_watch_(options.watch_network ? watch_network(io_, reverse_dns_, public_ip_) : nullptr),
      resolver_(io_, std::move(options.resolver)),
      thread_([this] {
        for (;;) {
          try {
            io_.run();
            return;
          } catch (const std::exception& e) {
            // A handler that throws must not take every other user's trace down.
            spdlog::error("engine: unexpected exception in a handler: {}", e.what());
          }
        }
      }) {}

Engine::~Engine() {
  cancel_all();
  work_.reset();
  boost::asio::post(io_, [this] { io_.stop(); });
  if (thread_.joinable()) thread_.join();
}

Engine::TraceId Engine::start_trace(TraceParams params, TraceObserver observer, ProbeBudget budget) {
  TraceId id = next_id_++;
  boost::asio::post(io_, [this, id, params = std::move(params), observer = std::move(observer), budget]() mutable {
    auto user_done = std::move(observer.on_done);
    observer.on_done = [this, id, user_done = std::move(user_done)](TraceOutcome outcome) {
      jobs_.erase(id);
      if (user_done) user_done(std::move(outcome));
    };
    auto gate = (budget.per_principal > 0 || budget.global > 0) ? budgets_->gate(budget) : nullptr;
    auto job = std::make_shared<TraceJob>(EngineContext{io_, ids_, demux_, run_ids_, reverse_dns_, public_ip_, pacing_,
                                                        std::move(gate), windows_driver_version_, &resolver_,
                                                        &sources_},
                                          std::move(params), std::move(observer));
    jobs_.emplace(id, job);
    job->start();
  });
  return id;
}

void Engine::set_public_ip_proxy(enrich::ProxySettings proxy) {
  boost::asio::post(io_, [this, proxy = std::move(proxy)]() mutable { public_ip_.set_proxy(std::move(proxy)); });
}

Engine::Identities Engine::identities() const {
  // demux_ is set before the thread starts and never replaced, so reading the
  // pointer here is safe; the counts themselves are locked or atomic.
  return Identities{ids_->in_use(), ids_->ports_held(), demux_ ? demux_->live_routes() : 0};
}

std::uint64_t Engine::unrouted_replies() const { return demux_ ? demux_->unrouted_total() : 0; }

void Engine::cancel_trace(TraceId id) {
  boost::asio::post(io_, [this, id] {
    auto it = jobs_.find(id);
    if (it == jobs_.end()) return;
    auto job = it->second;  // keep alive through cancel(), which erases it
    job->cancel();
  });
}

void Engine::cancel_all() {
  boost::asio::post(io_, [this] {
    auto jobs = jobs_;
    for (auto& [id, job] : jobs) job->cancel();
  });
}

}  // namespace ddtr::engine
