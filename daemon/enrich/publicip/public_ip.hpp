// The source's public IP, as upstream's fetcher: the checkers tried in order,
// each with a 2 s budget for itself and its retries (exponential backoff from
// 500 ms), HTTP 4xx final, any other status parsed as an IP literal; the first
// success is cached for 2 h. Concurrent callers share one fetch.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace ddtr::enrich {

// Upstream's list, in its order.
std::vector<std::string> default_public_ip_urls();

struct PublicIpOptions {
  std::vector<std::string> urls = default_public_ip_urls();
  std::chrono::milliseconds per_checker{2000};
  std::chrono::milliseconds first_backoff{500};
  std::chrono::milliseconds max_backoff{3000};
  std::chrono::seconds cache_ttl{7200};
};

class PublicIp {
 public:
  PublicIp(boost::asio::io_context& io, PublicIpOptions options);
  // `done` runs on the io_context's thread with the address text, or nullopt
  // when every checker failed (the result then says "").
  void get(std::function<void(std::optional<std::string>)> done);

 private:
  void try_checker(std::size_t index);
  void attempt(std::size_t index, std::chrono::steady_clock::time_point deadline, std::chrono::milliseconds backoff);
  void finish(std::optional<std::string> ip);

  boost::asio::io_context& io_;
  PublicIpOptions options_;
  std::optional<std::string> cached_;
  std::chrono::steady_clock::time_point cached_until_;
  std::vector<std::function<void(std::optional<std::string>)>> waiters_;
  boost::asio::steady_timer retry_timer_;
  std::mt19937 jitter_;
};

}  // namespace ddtr::enrich
