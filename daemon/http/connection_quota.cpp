#include "daemon/http/connection_quota.hpp"

#include <utility>

#include "daemon/policy/cidr.hpp"

namespace ddtr::http {

CallerKey caller_key(std::optional<std::uint32_t> owner_uid, const IpAddress& peer) {
  if (owner_uid) return *owner_uid;
  IpAddress address = policy::canonical_address(peer);
  if (address.is_v6()) {
    // One host usually holds a whole /64 (SLAAC, privacy addresses): counted
    // per address it could open a connection from each of 2^64.
    auto bytes = address.to_v6().to_bytes();
    for (std::size_t i = 8; i < bytes.size(); ++i) bytes[i] = 0;
    address = boost::asio::ip::address_v6(bytes);
  }
  return address;
}

std::string caller_text(const CallerKey& key) {
  if (const auto* uid = std::get_if<std::uint32_t>(&key)) return "uid " + std::to_string(*uid);
  const auto& address = std::get<IpAddress>(key);
  return "address " + address.to_string() + (address.is_v6() ? "/64" : "");
}

int kept_for_others(int max_connections) { return max_connections / 4; }

std::variant<ConnectionQuota::Lease, Error> ConnectionQuota::admit(const CallerKey& key, const Limits& limits) {
  const int holds = held(key);
  const std::string head = "too many HTTP connections from " + caller_text(key) + ": it holds " + std::to_string(holds);
  if (holds >= limits.per_caller) {
    return Error(ErrorCode::QuotaExceeded,
                 head + ", the most one caller may (http.max_connections_per_caller " + std::to_string(limits.per_caller) + ")");
  }
  const int kept = kept_for_others(limits.max_connections);
  if (holds > 0 && limits.max_connections - total_ <= kept) {
    return Error(ErrorCode::QuotaExceeded, head + ", and the last " + std::to_string(kept) +
                                               " of http.max_connections " + std::to_string(limits.max_connections) +
                                               " are kept for callers that hold none");
  }
  ++callers_[key].open;
  ++total_;
  return Lease(*this, key);
}

void ConnectionQuota::release(const CallerKey& key) {
  auto it = callers_.find(key);
  if (it == callers_.end()) return;
  --total_;
  if (--it->second.open <= 0) callers_.erase(it);
}

int ConnectionQuota::held(const CallerKey& key) const {
  auto it = callers_.find(key);
  return it == callers_.end() ? 0 : it->second.open;
}

std::optional<std::uint64_t> ConnectionQuota::log_refusal(const CallerKey& key, TimePoint now) {
  if (lines_in_window_ == 0 || now - window_start_ >= kLogInterval) {
    window_start_ = now;
    lines_in_window_ = 0;
  }
  auto it = callers_.find(key);
  bool caller_quiet = it == callers_.end() || !it->second.last_logged || now - *it->second.last_logged >= kLogInterval;
  if (!caller_quiet || lines_in_window_ >= kLogLines) {
    ++unlogged_;
    return std::nullopt;
  }
  ++lines_in_window_;
  if (it != callers_.end()) it->second.last_logged = now;
  return std::exchange(unlogged_, 0);
}

}  // namespace ddtr::http
