#include "daemon/metrics/daemon_metrics.hpp"

#include <algorithm>
#include <cmath>

namespace ddtr::metrics {

Protocol protocol_of(std::string_view requested) {
  auto is = [requested](std::string_view name) {
    return requested.size() == name.size() &&
           std::equal(requested.begin(), requested.end(), name.begin(),
                      [](char a, char b) { return (a >= 'A' && a <= 'Z' ? a - 'A' + 'a' : a) == b; });
  };
  if (is("icmp")) return Protocol::Icmp;
  if (is("udp")) return Protocol::Udp;
  if (is("tcp")) return Protocol::Tcp;
  return Protocol::Other;
}

std::string_view protocol_name(Protocol p) {
  switch (p) {
    case Protocol::Icmp: return "icmp";
    case Protocol::Udp: return "udp";
    case Protocol::Tcp: return "tcp";
    case Protocol::Other: break;
  }
  return "other";
}

std::string_view outcome_name(Outcome o) {
  switch (o) {
    case Outcome::Ok: return "ok";
    case Outcome::Error: return "error";
    case Outcome::Cancelled: break;
  }
  return "cancelled";
}

Source source_of(std::string_view source) { return source == "http" ? Source::Http : Source::Rpc; }

std::string_view source_name(Source s) { return s == Source::Http ? "http" : "rpc"; }

void Histogram::observe(double seconds) {
  if (!(seconds >= 0)) seconds = 0;  // NaN or a clock step: count it, as zero
  auto bucket = static_cast<std::size_t>(std::lower_bound(kBounds.begin(), kBounds.end(), seconds) - kBounds.begin());
  buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
  sum_us_.fetch_add(static_cast<std::uint64_t>(std::llround(seconds * 1e6)), std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  std::uint64_t running = 0;
  for (std::size_t i = 0; i < kBounds.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative[i] = running;
  }
  s.count = running + buckets_[kBounds.size()].load(std::memory_order_relaxed);
  s.sum_seconds = static_cast<double>(sum_us_.load(std::memory_order_relaxed)) / 1e6;
  return s;
}

void DaemonMetrics::trace_finished(Protocol p, Outcome o, double duration_seconds) {
  bump(finished_[index(p)][index(o)]);
  duration_.observe(duration_seconds);
}

void DaemonMetrics::probes(Protocol p, std::uint64_t sent, std::uint64_t replies) {
  bump(sent_[index(p)], sent);
  bump(replies_[index(p)], replies);
}

void DaemonMetrics::admission(std::int64_t running, std::int64_t queued) {
  running_.store(running, std::memory_order_relaxed);
  queued_.store(queued, std::memory_order_relaxed);
}

void DaemonMetrics::policy_loaded(double loaded_unix_seconds) {
  policy_loaded_at_.store(loaded_unix_seconds, std::memory_order_relaxed);
  if (first_load_done_) bump(reloads_ok_);
  first_load_done_ = true;
}

}  // namespace ddtr::metrics
