// The public IPs fetched, per source address (the local address a trace goes
// out from: a host with a VPN or two uplinks has one public IP per source),
// each for a while (2 h, upstream's age). clear() forgets them all when the
// host's network changes; a fetch that was under way then is not stored,
// since its answer may describe the old network.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace ddtr::enrich {

class PublicIpCache {
 public:
  using Clock = std::chrono::steady_clock;

  explicit PublicIpCache(std::chrono::seconds ttl) : ttl_(ttl) {}

  std::optional<std::string> find(const std::string& source, Clock::time_point now);
  // Counts clear() calls: a fetch notes it when it starts and hands it to store().
  std::uint64_t generation() const { return generation_; }
  // Ignored when the cache was cleared since `fetched_in`.
  void store(const std::string& source, std::string ip, std::uint64_t fetched_in, Clock::time_point now);
  void clear();
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string ip;
    Clock::time_point expires;
  };
  std::chrono::seconds ttl_;
  std::uint64_t generation_ = 0;
  std::map<std::string, Entry> entries_;
};

}  // namespace ddtr::enrich
