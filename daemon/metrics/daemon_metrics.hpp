// What the daemon counts for its /metrics page: plain relaxed atomics, bumped
// by the gateway (RPC thread), the transports and the reload handler, read at
// scrape time from any thread. No lock, no allocation on the counting path, no
// label a caller chooses: protocols, outcomes, error codes and sources are
// closed sets. Portable (the Windows daemon counts too; it just has no page).
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "shared/common/error.hpp"

namespace ddtr::metrics {

enum class Protocol { Icmp, Udp, Tcp, Other };
inline constexpr std::size_t kProtocols = 4;
// "icmp", "udp", "tcp" as requested (any case); anything else is "other".
Protocol protocol_of(std::string_view requested);
std::string_view protocol_name(Protocol p);

enum class Outcome { Ok, Error, Cancelled };
inline constexpr std::size_t kOutcomes = 3;
std::string_view outcome_name(Outcome o);

enum class Source { Rpc, Http };
inline constexpr std::size_t kSources = 2;
Source source_of(std::string_view source);  // "http" or else rpc
std::string_view source_name(Source s);

inline constexpr std::size_t kErrorCodes = static_cast<std::size_t>(ErrorCode::DaemonUnavailable) + 1;

// A cumulative histogram in seconds with fixed bounds; the sum is kept in
// microseconds so that adding is one integer fetch_add.
class Histogram {
 public:
  static constexpr std::array<double, 12> kBounds = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                     0.5,   1,    2.5,   5,    10,  30};
  void observe(double seconds);
  struct Snapshot {
    std::array<std::uint64_t, kBounds.size()> cumulative{};  // observations <= kBounds[i]
    std::uint64_t count = 0;
    double sum_seconds = 0;
  };
  Snapshot snapshot() const;

 private:
  std::array<std::atomic<std::uint64_t>, kBounds.size() + 1> buckets_{};  // last: +Inf
  std::atomic<std::uint64_t> sum_us_{0};
};

class DaemonMetrics {
 public:
  using Counter = std::atomic<std::uint64_t>;

  // A request the policy allowed (it runs now or waits its turn).
  void trace_started(Protocol p) { bump(started_[index(p)]); }
  // An allowed request ended (ok, error or cancelled), `duration_seconds` after it arrived.
  void trace_finished(Protocol p, Outcome o, double duration_seconds);
  // A request left the queue and ran, after waiting this long.
  void trace_queue_wait(double seconds) { queue_wait_.observe(seconds); }
  void refused(ErrorCode code, Source s) { bump(refusals_[index(s)][static_cast<std::size_t>(code)]); }
  // What a finished trace's result says was sent and answered.
  void probes(Protocol p, std::uint64_t sent, std::uint64_t replies);
  void admission(std::int64_t running, std::int64_t queued);
  void connection_opened(Source s) { connections_[index(s)].fetch_add(1, std::memory_order_relaxed); }
  void connection_closed(Source s) { connections_[index(s)].fetch_sub(1, std::memory_order_relaxed); }
  // `loaded_unix_seconds`: when the policy now in force was loaded.
  void policy_loaded(double loaded_unix_seconds);
  void policy_reload_failed() { bump(reloads_failed_); }

  std::uint64_t started(Protocol p) const { return read(started_[index(p)]); }
  std::uint64_t finished(Protocol p, Outcome o) const { return read(finished_[index(p)][static_cast<std::size_t>(o)]); }
  std::uint64_t refusals(ErrorCode code, Source s) const {
    return read(refusals_[index(s)][static_cast<std::size_t>(code)]);
  }
  std::uint64_t probes_sent(Protocol p) const { return read(sent_[index(p)]); }
  std::uint64_t replies(Protocol p) const { return read(replies_[index(p)]); }
  std::int64_t running() const { return running_.load(std::memory_order_relaxed); }
  std::int64_t queued() const { return queued_.load(std::memory_order_relaxed); }
  std::int64_t connections(Source s) const { return connections_[index(s)].load(std::memory_order_relaxed); }
  std::uint64_t policy_reloads_ok() const { return read(reloads_ok_); }
  std::uint64_t policy_reloads_failed() const { return read(reloads_failed_); }
  double policy_loaded_at() const { return policy_loaded_at_.load(std::memory_order_relaxed); }
  Histogram::Snapshot durations() const { return duration_.snapshot(); }
  Histogram::Snapshot queue_waits() const { return queue_wait_.snapshot(); }

 private:
  template <typename E>
  static std::size_t index(E e) { return static_cast<std::size_t>(e); }
  static void bump(Counter& c, std::uint64_t by = 1) { c.fetch_add(by, std::memory_order_relaxed); }
  static std::uint64_t read(const Counter& c) { return c.load(std::memory_order_relaxed); }

  std::array<Counter, kProtocols> started_{};
  std::array<std::array<Counter, kOutcomes>, kProtocols> finished_{};
  std::array<std::array<Counter, kErrorCodes>, kSources> refusals_{};
  std::array<Counter, kProtocols> sent_{};
  std::array<Counter, kProtocols> replies_{};
  std::atomic<std::int64_t> running_{0};
  std::atomic<std::int64_t> queued_{0};
  std::array<std::atomic<std::int64_t>, kSources> connections_{};
  Counter reloads_ok_{0};  // the load at start is not a reload
  Counter reloads_failed_{0};
  std::atomic<double> policy_loaded_at_{0};
  bool first_load_done_ = false;  // written by policy_loaded only (one thread: the reload handler)
  Histogram duration_;
  Histogram queue_wait_;
};

// One open connection in ddtr_connections for as long as it lives.
class ConnectionCount {
 public:
  ConnectionCount(DaemonMetrics& counts, Source source) : counts_(counts), source_(source) {
    counts_.connection_opened(source_);
  }
  ~ConnectionCount() { counts_.connection_closed(source_); }
  ConnectionCount(const ConnectionCount&) = delete;
  ConnectionCount& operator=(const ConnectionCount&) = delete;

 private:
  DaemonMetrics& counts_;
  Source source_;
};

}  // namespace ddtr::metrics
