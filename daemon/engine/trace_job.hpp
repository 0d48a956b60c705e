// One trace request, as upstream's RunTraceroute: validate, resolve the target
// once, start every traceroute run at once plus the paced e2e probes, stream
// hops as they are learned, then assemble, normalize and hand back the result.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <variant>
#include <vector>

#include "daemon/engine/hop_event.hpp"
#include "daemon/enrich/publicip/public_ip.hpp"
#include "daemon/enrich/reversedns/reverse_dns.hpp"
#include "daemon/engine/id_allocator.hpp"
#include "daemon/engine/parallel_run.hpp"
#include "daemon/engine/reply_demux.hpp"
#include "daemon/engine/target_resolver.hpp"
#include "shared/common/trace_params.hpp"
#include "shared/result/results.hpp"
#include "shared/result/run_id.hpp"
#include "platform/local_address.hpp"

namespace ddtr::engine {

using TraceOutcome = std::variant<Results, Error>;

struct TraceObserver {
  std::function<void(const HopEvent&)> on_hop;
  std::function<void(TraceOutcome)> on_done;  // called exactly once
  // Judges the resolved target before any probe leaves (the daemon's
  // destination rules); throws Error to refuse it. Runs on the engine thread.
  std::function<void(const Endpoint&)> check_target;
  // Whose trace (admission's key: the uid, or an HTTP principal's): its name
  // lookup counts against that principal's bound.
  std::uint64_t principal = 0;
};

// What a job borrows from the engine that owns it (all on the engine thread).
struct EngineContext {
  boost::asio::io_context& io;
  std::shared_ptr<IdAllocator> ids;
  std::shared_ptr<ReplyDemux> demux;  // null: every raw run opens its own capture
  RunIdGenerator& run_ids;
  enrich::ReverseDns& reverse_dns;
  enrich::PublicIp& public_ip;
  RunPacing pacing;                          // the daemon's --send-delay, --window, --no-adaptive-wait
  std::shared_ptr<ProbeGate> gate;           // this trace's packet budget; null: none
  std::uint64_t windows_driver_version = 0;  // the daemon's --windows-driver-version (0: default)
  TargetResolver* resolver = nullptr;        // the daemon's forward lookups (required)
  platform::SourceAddressFinder* sources = nullptr;  // each run's source address (required)
};

// The daemon's own checks of a request (the privileged side validates, not only
// the client). Throws Error.
void validate_request(const TraceParams& params);

class TraceJob : public std::enable_shared_from_this<TraceJob> {
 public:
  TraceJob(EngineContext context, TraceParams params, TraceObserver observer);
  void start();
  void cancel();

 private:
  void on_resolved(const Endpoint& target);
  void start_run(std::uint32_t index);
  void launch_e2e(std::uint32_t index);
  void fetch_public_ip();
  // Starts a ParallelRun against the resolved target; `on_done` gets the run,
  // or the error that stopped it.
  std::shared_ptr<ParallelRun> make_run(const TraceParams& params, int min_ttl, ParallelRun::HopCallback on_hop,
                                        std::function<void(std::variant<Run, Error>)> on_done);
  void part_done();
  // Looks up every run destination and hop address, then completes.
  void enrich_then_complete();
  void complete();
  void fail(Error error);

  EngineContext context_;
  TraceParams params_;
  TraceObserver observer_;
  Endpoint target_;
  boost::asio::steady_timer e2e_timer_;
  std::vector<std::shared_ptr<ParallelRun>> live_runs_;
  std::vector<Run> runs_;             // completion order
  std::vector<Error> run_errors_;     // completion order
  std::vector<double> e2e_rtts_;      // completion order, 0 = lost
  int outstanding_ = 0;               // runs + e2e probes not yet finished
  std::uint32_t e2e_launched_ = 0;
  TargetResolver::Pending lookup_;  // the target's name lookup, until answered
  std::string public_ip_;  // "" unless collected
  bool done_ = false;
};

}  // namespace ddtr::engine
