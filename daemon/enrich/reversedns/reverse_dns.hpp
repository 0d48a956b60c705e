// Reverse DNS for hops and destinations: c-ares (which reads /etc/resolv.conf
// and /etc/hosts like the system resolver) driven by the engine's Asio loop, so
// lookups run in parallel and never block probing. Each lookup is bounded (5 s,
// upstream's timeout); successes are cached for 1 h per address, as upstream.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "daemon/enrich/dns/ares_channel.hpp"
#include "shared/common/ip_address.hpp"

namespace ddtr::enrich {

struct ReverseDnsOptions {
  std::chrono::milliseconds lookup_timeout{5000};
  std::chrono::seconds cache_ttl{3600};
#ifdef _WIN32
  std::string hosts_file;  // "": c-ares reads the Windows hosts file itself
#else
  std::string hosts_file = "/etc/hosts";  // read first, as Go's resolver does; "" to skip
#endif
};

class ReverseDns {
 public:
  using Names = std::vector<std::string>;  // absolute names, with the trailing dot, as Go returns them

  // Throws ddtr::Error if the resolver cannot be set up.
  explicit ReverseDns(boost::asio::io_context& io, ReverseDnsOptions options = {});
  ~ReverseDns();
  ReverseDns(const ReverseDns&) = delete;
  ReverseDns& operator=(const ReverseDns&) = delete;

  // `done` runs on the io_context's thread, exactly once; empty names = no
  // answer (failure, timeout, no PTR record).
  void lookup(const IpAddress& ip, std::function<void(Names)> done);
  // The network changed (another resolver, another view of the names): forget
  // every cached name; lookups under way still answer but are not kept.
  void forget_all();
  std::size_t cached() const { return cache_.size(); }

 private:
  struct Cached {
    Names names;
    std::chrono::steady_clock::time_point expires;
  };

  boost::asio::io_context& io_;
  ReverseDnsOptions options_;
  std::unique_ptr<AresChannel> channel_;
  std::unordered_map<std::string, Cached> cache_;  // engine thread only
  std::uint64_t generation_ = 0;                   // forget_all() calls
};

}  // namespace ddtr::enrich
