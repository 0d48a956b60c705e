#include "client/hop_stats.hpp"

#include <algorithm>
#include <cmath>

namespace ddtr::client {

void RunningStats::add(double x) {
  ++n_;
  const double delta = x - mean_;
  mean_ += delta / static_cast<double>(n_);
  m2_ += delta * (x - mean_);
  best_ = n_ == 1 ? x : std::min(best_, x);
  worst_ = n_ == 1 ? x : std::max(worst_, x);
  last_ = x;
}

double RunningStats::stddev() const {
  if (n_ < 2) return 0;
  return std::sqrt(std::max(m2_, 0.0) / static_cast<double>(n_));
}

void WatchStats::add_round(const Results& results) {
  ++rounds_;
  if (!results.runs) return;
  // The destination's row is at the lowest TTL it has answered at. A run
  // whose probe at that TTL was lost finds the destination one or more TTLs
  // deeper; as in mtr, that is a loss at the destination's TTL, not a new row
  // (the deeper answer is not counted).
  for (const Run& run : *results.runs) {
    for (const Hop& hop : run.hops) {
      if (hop.is_dest && !hop.ip_address.empty() && hop.ttl >= 1 && (destination_ttl_ == 0 || hop.ttl < destination_ttl_)) {
        destination_ttl_ = hop.ttl;
      }
    }
  }
  if (destination_ttl_ > 0 && ttls_.size() > static_cast<std::size_t>(destination_ttl_)) {
    ttls_.resize(static_cast<std::size_t>(destination_ttl_));
  }
  for (const Run& run : *results.runs) {
    for (const Hop& hop : run.hops) {
      if (destination_ttl_ == 0 || hop.ttl <= destination_ttl_) add_hop(hop);
    }
    if (destination_.empty() && !run.destination.ip_address.empty()) destination_ = run.destination.ip_address;
  }
}

void WatchStats::add_hop(const Hop& hop) {
  // TTLs are 8 bits on the wire; anything else is a confused daemon.
  if (hop.ttl < 1 || hop.ttl > kMaxTtl) return;
  const auto index = static_cast<std::size_t>(hop.ttl);
  while (ttls_.size() < index) {
    TtlStats empty;
    empty.ttl = static_cast<int>(ttls_.size()) + 1;
    ttls_.push_back(std::move(empty));
  }
  TtlStats& t = ttls_[index - 1];
  ++t.sent;
  if (hop.ip_address.empty()) return;
  ++t.received;
  auto it = std::find_if(t.addresses.begin(), t.addresses.end(),
                         [&](const AddressStats& a) { return a.address == hop.ip_address; });
  if (it == t.addresses.end()) {
    if (t.addresses.size() >= kMaxAddressesPerTtl) return;
    AddressStats a;
    a.address = hop.ip_address;
    t.addresses.push_back(std::move(a));
    it = t.addresses.end() - 1;
  }
  it->rtt.add(hop.rtt_ms);
  it->is_destination = it->is_destination || hop.is_dest;
  if (it->name.empty() && !hop.reverse_dns.empty()) it->name = hop.reverse_dns.front();
}

void WatchStats::reset() {
  ttls_.clear();
  rounds_ = refused_ = throttled_ = 0;
  destination_ttl_ = 0;
  // The destination's address is a fact of the target, not a statistic.
}

}  // namespace ddtr::client
