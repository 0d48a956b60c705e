// Upstream's parseTarget: split "host", "host:port", "[v6]:port", resolve the
// host and pick the address family. Names go through c-ares on the engine's
// loop (the hosts file, then the DNS servers of /etc/resolv.conf), never on a
// blocking thread: each lookup has a deadline, is abandoned with its trace
// (its own channel, so its sockets close at once), and lookups in flight are
// bounded per principal and daemon-wide (LookupSlots: over the bound a lookup
// waits its turn).
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "daemon/engine/lookup_slots.hpp"
#include "shared/common/error.hpp"
#include "shared/common/ip_address.hpp"

namespace ddtr::enrich {
class AresLibrary;
}

namespace ddtr::engine {

struct TargetSpec {
  std::string host;       // brackets stripped
  std::string port_text;  // as written, or the default port
};

// The split alone (pure). Throws Error(INVALID_REQUEST) for a malformed address.
TargetSpec split_target(std::string_view raw, int default_port);

// The port check upstream runs after DNS resolution.
std::uint16_t parse_target_port(const std::string& port_text);

using ResolveResult = std::variant<Endpoint, Error>;

struct ResolverOptions {
  // The whole lookup, from the first query sent (waiting for a slot is not
  // counted); c-ares's own retries fit inside it with one server.
  std::chrono::milliseconds deadline{5000};
  std::size_t per_principal = 4;  // lookups in flight per principal
  std::size_t global = 64;        // and daemon-wide
  std::string servers;            // "" = the system's; tests: "127.0.0.1:PORT"
};

class TargetResolver {
 public:
  // Throws Error if c-ares cannot be initialised.
  explicit TargetResolver(boost::asio::io_context& io, ResolverOptions options = {});
  ~TargetResolver();
  TargetResolver(const TargetResolver&) = delete;
  TargetResolver& operator=(const TargetResolver&) = delete;

  class Lookup;
  // One lookup in flight. Destroying it, or cancel(), abandons the lookup:
  // waiting, it leaves the line; sent, its channel and sockets close; either
  // way its slot frees and `done` never runs.
  class Pending {
   public:
    Pending() = default;
    explicit Pending(std::shared_ptr<Lookup> lookup) : lookup_(std::move(lookup)) {}
    Pending(Pending&&) noexcept = default;
    Pending& operator=(Pending&& other) noexcept;
    ~Pending() { cancel(); }
    void cancel();

   private:
    std::shared_ptr<Lookup> lookup_;
  };

  // `done` runs on the io_context's thread, once, unless abandoned: inside this
  // call for IP literals and malformed targets, later for names. want_v6=false
  // requires an IPv4 answer; want_v6=true takes the first answer of either
  // family (as upstream). IP literals are used as written. `principal` is the
  // caller's admission key: its lookups count against its own bound.
  Pending resolve(std::uint64_t principal, std::string raw, int default_port, bool want_v6,
                  std::function<void(ResolveResult)> done);

  const LookupSlots& slots() const { return slots_; }

 private:
  boost::asio::io_context& io_;
  ResolverOptions options_;
  std::shared_ptr<const enrich::AresLibrary> library_;
  LookupSlots slots_;
};

}  // namespace ddtr::engine
