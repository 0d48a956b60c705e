#include "shared/result/normalize.hpp"

#include <boost/asio/ip/address.hpp>
#include <cmath>

namespace ddtr {

void compute_e2e_stats(E2eProbe& e2e) {
  if (!e2e.rtts || e2e.rtts->empty()) return;
  const auto& rtts = *e2e.rtts;
  std::vector<double> received;
  for (double v : rtts) {
    if (v > 0) received.push_back(v);  // a 0 RTT means lost, as upstream
  }
  e2e.packets_sent = static_cast<int>(rtts.size());
  e2e.packets_received = static_cast<int>(received.size());
  e2e.packet_loss_percentage =
      static_cast<float>(e2e.packets_sent - e2e.packets_received) / static_cast<float>(e2e.packets_sent);
  if (!received.empty()) {
    double sum = 0;
    e2e.rtt.min = received.front();
    e2e.rtt.max = received.front();
    for (double v : received) {
      sum += v;
      e2e.rtt.min = std::min(e2e.rtt.min, v);
      e2e.rtt.max = std::max(e2e.rtt.max, v);
    }
    e2e.rtt.avg = sum / static_cast<double>(received.size());
  }
  if (received.size() >= 2) {
    double total = 0;
    for (std::size_t i = 1; i < received.size(); ++i) total += std::fabs(received[i] - received[i - 1]);
    e2e.jitter = total / static_cast<double>(received.size() - 1);
  }
}

namespace {

void compute_hop_count(Results& results) {
  if (!results.runs || results.runs->empty()) return;
  int sum = 0, min = 0, max = 0;
  for (const Run& run : *results.runs) {
    int count = 0;
    for (std::size_t i = 0; i < run.hops.size(); ++i) {
      if (!run.hops[i].ip_address.empty()) count = static_cast<int>(i) + 1;
    }
    // Upstream: a run where nothing answered counts all its hops.
    if (count == 0) count = static_cast<int>(run.hops.size());
    sum += count;
    if (min == 0 || (count != 0 && count < min)) min = count;
    max = std::max(max, count);
  }
  results.hop_count.avg = static_cast<double>(sum) / static_cast<double>(results.runs->size());
  results.hop_count.min = min;
  results.hop_count.max = max;
}

}  // namespace

void normalize(Results& results, RunIdGenerator& ids) {
  results.test_run_id = ids.next();
  if (results.runs) {
    for (Run& run : *results.runs) {
      run.run_id = ids.next();
      for (Hop& hop : run.hops) hop.reachable = !hop.ip_address.empty();
    }
  }
  compute_hop_count(results);
  compute_e2e_stats(results.e2e_probe);
}

bool is_private_ip(std::string_view ip_text) {
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(std::string(ip_text), ec);
  if (ec) return false;
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6());
  }
  if (address.is_v4()) {
    auto v = address.to_v4().to_uint();
    return (v >> 24) == 10 || (v >> 20) == ((172u << 4) | 1) || (v >> 16) == ((192u << 8) | 168);
  }
  return (address.to_v6().to_bytes()[0] & 0xfe) == 0xfc;
}

void remove_private_hops(Results& results) {
  if (!results.runs) return;
  for (Run& run : *results.runs) {
    for (Hop& hop : run.hops) {
      if (is_private_ip(hop.ip_address)) hop = Hop{hop.ttl, "", 0, false, {}, false};
    }
  }
}

}  // namespace ddtr
