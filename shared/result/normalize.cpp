// result.Normalize (result/result.go), step for step.
#include "shared/result/normalize.hpp"

#include <algorithm>
#include <cmath>

namespace ddtr {
namespace {

// normalizeTracerouteHopsCount. A run counts up to its last answering hop; a
// run where nothing answered counts all its hops (len(hops), e.g. 30).
int run_hop_count(const Run& run) {
  for (std::size_t i = run.hops.size(); i > 0; --i) {
    if (!run.hops[i - 1].ip_address.empty()) return static_cast<int>(i);
  }
  return static_cast<int>(run.hops.size());
}

void compute_hop_count(Results& results) {
  if (!results.runs || results.runs->empty()) return;  // stays 0/0/0
  int total = 0, min = 0, max = 0;
  for (const Run& run : *results.runs) {
    const int count = run_hop_count(run);
    // Go's exact rule: `if hopsCount < hopsMin || hopsMin == 0`. A running
    // min of 0 means "unset", so a zero count (a run with no hops) is skipped
    // by the next count, but a zero in last position does win.
    if (count < min || min == 0) min = count;
    max = std::max(max, count);
    total += count;
  }
  results.hop_count.avg = static_cast<double>(total) / static_cast<double>(results.runs->size());
  results.hop_count.min = min;
  results.hop_count.max = max;
}

// calculateJitter: mean absolute difference of consecutive received RTTs.
double jitter(const std::vector<double>& received) {
  if (received.size() < 2) return 0;
  double sum = 0;
  for (std::size_t i = 1; i < received.size(); ++i) sum += std::fabs(received[i] - received[i - 1]);
  return sum / static_cast<double>(received.size() - 1);
}

}  // namespace

void compute_e2e_stats(E2eProbe& e2e) {
  if (!e2e.rtts || e2e.rtts->empty()) return;  // every field stays 0
  const auto& rtts = *e2e.rtts;
  std::vector<double> received;  // completion order kept, lost (0) probes removed
  for (double rtt : rtts) {
    if (rtt > 0) received.push_back(rtt);
  }
  e2e.packets_sent = static_cast<int>(rtts.size());
  e2e.packets_received = static_cast<int>(received.size());
  // float32(sent-received) / float32(sent): the division is done in float32.
  e2e.packet_loss_percentage =
      static_cast<float>(e2e.packets_sent - e2e.packets_received) / static_cast<float>(e2e.packets_sent);
  if (!received.empty()) {
    double total = 0;
    double min = received.front(), max = received.front();
    for (double rtt : received) {
      total += rtt;
      min = std::min(min, rtt);
      max = std::max(max, rtt);
    }
    e2e.rtt.avg = total / static_cast<double>(received.size());
    e2e.rtt.min = min;
    e2e.rtt.max = max;
  }
  e2e.jitter = jitter(received);
}

void normalize(Results& results, RunIdGenerator& ids) {
  results.test_run_id = ids.next();
  if (results.runs) {
    for (Run& run : *results.runs) run.run_id = ids.next();
    for (Run& run : *results.runs) {
      for (Hop& hop : run.hops) hop.reachable = !hop.ip_address.empty();
    }
  }
  compute_hop_count(results);
  compute_e2e_stats(results.e2e_probe);
}

}  // namespace ddtr
