#include "daemon/enrich/reversedns/reverse_dns.hpp"

#include <algorithm>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "daemon/enrich/reversedns/hosts_names.hpp"

namespace ddtr::enrich {

ReverseDns::ReverseDns(boost::asio::io_context& io, ReverseDnsOptions options)
    : io_(io), options_(options), channel_(std::make_unique<AresChannel>(io, AresLibrary::acquire(), AresChannelOptions{})) {}

ReverseDns::~ReverseDns() = default;

void ReverseDns::forget_all() {
  ++generation_;
  cache_.clear();
}

void ReverseDns::lookup(const IpAddress& ip, std::function<void(Names)> done) {
  std::string key = ip.to_string();
  auto now = std::chrono::steady_clock::now();
  if (auto it = cache_.find(key); it != cache_.end()) {
    if (it->second.expires > now) {
      boost::asio::post(io_, [names = it->second.names, done = std::move(done)] { done(names); });
      return;
    }
    cache_.erase(it);
  }
  // The hosts file first, every matching line (Go's lookupStaticAddr); a
  // name there is the answer, without DNS.
  if (!options_.hosts_file.empty()) {
    if (Names names = hosts_file_names(options_.hosts_file, ip); !names.empty()) {
      cache_[key] = Cached{names, now + options_.cache_ttl};
      boost::asio::post(io_, [names = std::move(names), done = std::move(done)] { done(names); });
      return;
    }
  }
  // Whichever comes first, the answer or the deadline, answers the caller.
  struct Pending {
    std::function<void(Names)> done;
    boost::asio::steady_timer deadline;
    bool answered = false;
    Pending(boost::asio::io_context& io, std::function<void(Names)> d) : done(std::move(d)), deadline(io) {}
  };
  auto pending = std::make_shared<Pending>(io_, std::move(done));
  pending->deadline.expires_after(options_.lookup_timeout);
  pending->deadline.async_wait([pending](const boost::system::error_code& ec) {
    if (ec || pending->answered) return;
    pending->answered = true;
    pending->done({});
  });
  channel_->gethostbyaddr(ip, [this, pending, key, generation = generation_](int status, std::string name, std::vector<std::string> aliases) {
    Names names;
    if (status == ARES_SUCCESS) {
      auto absolute = [](std::string n) { return n.empty() || n.back() == '.' ? n : n + "."; };
      // c-ares 1.18 lists every PTR name, in answer order, among the aliases
      // (h_name repeats one of them); /etc/hosts answers carry h_name only.
      for (auto& alias : aliases) {
        auto absolute_name = absolute(std::move(alias));
        if (std::find(names.begin(), names.end(), absolute_name) == names.end()) names.push_back(absolute_name);
      }
      if (names.empty() && !name.empty()) names.push_back(absolute(std::move(name)));
    }
    if (!names.empty() && generation == generation_) cache_[key] = Cached{names, std::chrono::steady_clock::now() + options_.cache_ttl};
    if (pending->answered) return;
    pending->answered = true;
    pending->deadline.cancel();
    pending->done(std::move(names));
  });
}

}  // namespace ddtr::enrich
