#include "daemon/enrich/publicip/public_ip.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

namespace ddtr::enrich {
namespace {

std::string trim(const std::string& s) {
  auto begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(" \t\r\n") - begin + 1);
}

}  // namespace

std::vector<std::string> default_public_ip_urls() {
  return {"https://icanhazip.com/", "https://ipinfo.io/ip", "https://checkip.amazonaws.com/",
          "https://api.ipify.org/", "https://whatismyip.akamai.com/"};
}

PublicIp::PublicIp(boost::asio::io_context& io, PublicIpOptions options)
    : io_(io), options_(std::move(options)), cache_(options_.cache_ttl), retry_timer_(io), jitter_(std::random_device{}()) {}

void PublicIp::get(const std::string& source, Done done) {
  if (auto ip = cache_.find(source, std::chrono::steady_clock::now())) {
    boost::asio::post(io_, [ip = *ip, done = std::move(done)] { done(ip); });
    return;
  }
  waiters_[source].push_back(std::move(done));
  if (!fetching_) start_next();  // otherwise a fetch is under way, and the next starts when it ends
}

void PublicIp::invalidate() {
  cache_.clear();
}

void PublicIp::set_proxy(ProxySettings proxy) {
  if (proxy == options_.proxy) return;
  options_.proxy = std::move(proxy);
  invalidate();
}

void PublicIp::start_next() {
  if (waiters_.empty()) return;
  fetching_ = waiters_.begin()->first;
  fetch_generation_ = cache_.generation();
  try_checker(0);
}

void PublicIp::try_checker(std::size_t index) {
  if (index >= options_.urls.size()) {
    spdlog::debug("Error getting IP: no IP found");
    finish(std::nullopt);
    return;
  }
  attempt(index, std::chrono::steady_clock::now() + options_.per_checker, options_.first_backoff);
}

void PublicIp::attempt(std::size_t index, std::chrono::steady_clock::time_point deadline,
                       std::chrono::milliseconds backoff) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) {
    spdlog::debug("error fetching: {}, backoff retry error: context deadline exceeded", options_.urls[index]);
    try_checker(index + 1);
    return;
  }
  http_get(io_, options_.urls[index], left, [this, index, deadline, backoff](HttpResult result) {
    const std::string& url = options_.urls[index];
    if (auto* error = std::get_if<Error>(&result)) {
      // Transport errors are retried, with backoff, within the checker's budget.
      spdlog::debug("error fetching: {}, {}", url, error->what());
      std::uniform_real_distribution<double> spread(0.5, 1.5);
      auto wait = std::chrono::milliseconds(static_cast<long long>(static_cast<double>(backoff.count()) * spread(jitter_)));
      if (std::chrono::steady_clock::now() + wait >= deadline) {
        try_checker(index + 1);
        return;
      }
      auto next = std::min(options_.max_backoff, std::chrono::milliseconds(backoff.count() * 3 / 2));
      retry_timer_.expires_after(wait);
      retry_timer_.async_wait([this, index, deadline, next](const boost::system::error_code& ec) {
        if (!ec) attempt(index, deadline, next);
      });
      return;
    }
    const auto& response = std::get<HttpResponse>(result);
    if (response.status >= 400 && response.status <= 499) {
      spdlog::debug("error fetching: {}, client error: {} {}", url, response.status, response.reason);
      try_checker(index + 1);
      return;
    }
    // Any other status, 5xx included, is read as an address (upstream).
    std::string body = trim(response.body);
    boost::system::error_code ec;
    auto address = boost::asio::ip::make_address(body, ec);
    if (ec) {
      spdlog::debug("error fetching: {}, IP address not valid: {}", url, body);
      try_checker(index + 1);
      return;
    }
    spdlog::debug("Public IP fetched: {}", address.to_string());
    cache_.store(*fetching_, address.to_string(), fetch_generation_, std::chrono::steady_clock::now());
    finish(address.to_string());
  }, HttpGetOptions{options_.proxy});
}

void PublicIp::finish(std::optional<std::string> ip) {
  std::vector<Done> waiters;
  if (auto it = waiters_.find(*fetching_); it != waiters_.end()) {
    waiters = std::move(it->second);
    waiters_.erase(it);
  }
  fetching_.reset();
  for (auto& done : waiters) done(ip);
  if (!fetching_) start_next();  // a caller may have asked again from `done`
}

}  // namespace ddtr::enrich
