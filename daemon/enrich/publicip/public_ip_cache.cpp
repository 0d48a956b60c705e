#include "daemon/enrich/publicip/public_ip_cache.hpp"

namespace ddtr::enrich {

std::optional<std::string> PublicIpCache::find(const std::string& source, Clock::time_point now) {
  auto it = entries_.find(source);
  if (it == entries_.end()) return std::nullopt;
  if (now >= it->second.expires) {
    entries_.erase(it);
    return std::nullopt;
  }
  return it->second.ip;
}

void PublicIpCache::store(const std::string& source, std::string ip, std::uint64_t fetched_in, Clock::time_point now) {
  if (fetched_in != generation_) return;
  entries_[source] = Entry{std::move(ip), now + ttl_};
}

void PublicIpCache::clear() {
  ++generation_;
  entries_.clear();
}

}  // namespace ddtr::enrich
