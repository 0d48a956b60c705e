// The /metrics page: the daemon's counts in the Prometheus text format
// (version 0.0.4), serialized by prometheus-cpp's core. Built at scrape time
// from atomics (DaemonMetrics) and readings the engine publishes for any
// thread, so a scrape never waits on the engine or the RPC loop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "daemon/metrics/daemon_metrics.hpp"

namespace ddtr::metrics {

inline constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

// What other rooms publish for any thread: the engine's identities and its
// shared capture's drop count, the audit log's failed writes.
struct Readings {
  std::size_t echo_ids = 0;
  std::size_t ports = 0;
  std::size_t demux_routes = 0;
  std::uint64_t unrouted_replies = 0;
  std::uint64_t audit_write_failures = 0;
};

class MetricsPage {
 public:
  MetricsPage();  // the registry with the constant families (build info)
  ~MetricsPage();
  MetricsPage(const MetricsPage&) = delete;
  MetricsPage& operator=(const MetricsPage&) = delete;

  // Any thread, any number at once.
  std::string render(const DaemonMetrics& counts, const Readings& engine) const;

 private:
  struct Constant;
  std::unique_ptr<Constant> constant_;
};

}  // namespace ddtr::metrics
