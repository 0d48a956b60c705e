// The source's public IP, as upstream's fetcher: the checkers tried in order,
// each with a 2 s budget for itself and its retries (exponential backoff from
// 500 ms), HTTP 4xx final, any other status parsed as an IP literal; the first
// success is cached for 2 h per source address, and forgotten when the host's
// network changes (invalidate()). Concurrent callers share one fetch; callers
// from another source address wait for it, then fetch for theirs.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "daemon/enrich/publicip/http_get.hpp"
#include "daemon/enrich/publicip/public_ip_cache.hpp"

namespace ddtr::enrich {

// Upstream's list, in its order.
std::vector<std::string> default_public_ip_urls();

struct PublicIpOptions {
  std::vector<std::string> urls = default_public_ip_urls();
  std::chrono::milliseconds per_checker{2000};
  std::chrono::milliseconds first_backoff{500};
  std::chrono::milliseconds max_backoff{3000};
  std::chrono::seconds cache_ttl{7200};
  // Go's http.ProxyFromEnvironment by default; the policy's public_ip.proxy replaces it.
  ProxySettings proxy;
};

class PublicIp {
 public:
  PublicIp(boost::asio::io_context& io, PublicIpOptions options);
  using Done = std::function<void(std::optional<std::string>)>;

  // `done` runs on the io_context's thread with the address text, or nullopt
  // when every checker failed (the result then says ""). `source`: the local
  // address the caller's trace goes out from, the cache's key ("" if unknown).
  void get(const std::string& source, Done done);
  // The network changed: forget every answer (the fetch under way, if any,
  // still answers its callers but is not kept). Engine thread.
  void invalidate();
  // Which proxy the fetches use from now on (the policy may change it); the
  // answers cached go with the old one (through a proxy, the checker sees
  // the proxy's public IP). Engine thread.
  void set_proxy(ProxySettings proxy);

 private:
  void start_next();
  void try_checker(std::size_t index);
  void attempt(std::size_t index, std::chrono::steady_clock::time_point deadline, std::chrono::milliseconds backoff);
  void finish(std::optional<std::string> ip);

  boost::asio::io_context& io_;
  PublicIpOptions options_;
  PublicIpCache cache_;
  std::map<std::string, std::vector<Done>> waiters_;  // per source address
  std::optional<std::string> fetching_;             // the source whose fetch is under way
  std::uint64_t fetch_generation_ = 0;
  boost::asio::steady_timer retry_timer_;
  std::mt19937 jitter_;
};

}  // namespace ddtr::enrich
