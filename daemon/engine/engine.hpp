// The engine: one Boost.Asio loop on its own thread that runs every trace of the
// daemon. Its public calls are thread-safe (they post to the loop); observer
// callbacks run on the engine thread.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>
#include <unordered_map>

#include "daemon/engine/id_allocator.hpp"
#include "daemon/engine/reply_demux.hpp"
#include "daemon/enrich/publicip/public_ip.hpp"
#include "daemon/enrich/reversedns/reverse_dns.hpp"
#include "daemon/engine/target_resolver.hpp"
#include "daemon/engine/trace_job.hpp"
#include "platform/network_change.hpp"
#include "shared/result/run_id.hpp"
#include "platform/local_address.hpp"

namespace ddtr::engine {

struct EngineOptions {
  enrich::PublicIpOptions public_ip;
  // One capture and one sink per family shared by every trace (where the OS
  // has it); false gives every ICMP/UDP/TCP SYN run its own, as the seed did.
  bool shared_capture = true;
  // How ICMP/UDP/TCP SYN runs pace their TTLs, whatever the request says: a
  // window by default, upstream's fixed pause with send_delay.
  RunPacing pacing;
  // DD_NPMDRIVER_VERSION of the installed ddnpm.sys (Windows); 0: the build's default.
  std::uint64_t windows_driver_version = 0;
  // Drop the public IP and reverse DNS caches when the host's addresses or
  // default route change (platform/network_change.hpp).
  bool watch_network = true;
  // Forward lookups: the deadline of each, lookups in flight per principal and daemon-wide.
  ResolverOptions resolver;
};

class Engine {
 public:
  using TraceId = std::uint64_t;

  explicit Engine(EngineOptions options = {});
  ~Engine();  // cancels every trace and joins the thread
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // `budget`: the probes per second the trace's principal and the daemon may
  // emit (0: unlimited); over it the trace is slowed, never failed.
  TraceId start_trace(TraceParams params, TraceObserver observer, ProbeBudget budget = {});
  void cancel_trace(TraceId id);
  // Cancels every running trace; their observers get "context canceled".
  void cancel_all();
  std::size_t ids_in_use() const { return ids_->in_use(); }
  const RunPacing& pacing() const { return pacing_; }

  // The probe identities runs hold now, daemon-wide; any thread.
  struct Identities {
    std::size_t echo_ids = 0;      // leased ICMP echo ids
    std::size_t ports = 0;         // reserved UDP/TCP source ports
    std::size_t demux_routes = 0;  // registrations in the shared capture (0 with per-run captures)
  };
  Identities identities() const;
  // Replies the shared capture dropped because no run owned them; any thread.
  std::uint64_t unrouted_replies() const;
  // The proxy of public IP fetches from now on (the policy's public_ip.proxy,
  // applied at start and on reload); any thread.
  void set_public_ip_proxy(enrich::ProxySettings proxy);

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::shared_ptr<IdAllocator> ids_;
  std::shared_ptr<ReplyDemux> demux_;  // engine thread only; null: per-run captures
  RunPacing pacing_;
  std::shared_ptr<ProbeBudgets> budgets_;  // engine thread only
  std::uint64_t windows_driver_version_;
  RunIdGenerator run_ids_;  // engine thread only
  enrich::ReverseDns reverse_dns_;  // engine thread only (after construction)
  enrich::PublicIp public_ip_;      // engine thread only
  std::unique_ptr<platform::NetworkChangeWatcher> network_watch_;  // fires on the engine thread
  TargetResolver resolver_;         // engine thread only (after construction); outlives jobs_
  platform::SourceAddressFinder sources_;  // engine thread only; outlives jobs_
  std::unordered_map<TraceId, std::shared_ptr<TraceJob>> jobs_;  // engine thread only
  std::atomic<TraceId> next_id_{1};
  std::thread thread_;
};

}  // namespace ddtr::engine
