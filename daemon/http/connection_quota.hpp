// How many HTTP connections each caller holds, decided at accept before any
// byte of a request is read, so that one local user (or one remote host)
// cannot fill http.max_connections and leave every other caller with 503s.
// A caller holds at most http.max_connections_per_caller connections, and
// never one of the last quarter of http.max_connections unless it holds none:
// whatever the operator sets per caller, the others keep a way in. Counted on
// the HTTP thread only; an entry lives while its caller holds a connection, so
// the map is bounded by the open connections themselves.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>

#include "shared/common/error.hpp"
#include "shared/common/ip_address.hpp"

namespace ddtr::http {

// Who a connection counts under: the uid owning a loopback peer's socket, or
// else the peer's address (IPv4-mapped unwrapped; IPv6 by its /64, which one
// host or one user of a hosting provider usually holds whole).
using CallerKey = std::variant<std::uint32_t, IpAddress>;
CallerKey caller_key(std::optional<std::uint32_t> owner_uid, const IpAddress& peer);
std::string caller_text(const CallerKey& key);  // "uid 65534", "address 192.0.2.7", "address 2001:db8::/64"

// The connections kept for callers that hold none: a quarter, rounded down.
int kept_for_others(int max_connections);

class ConnectionQuota {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  struct Limits {
    int max_connections = 64;     // http.max_connections
    int per_caller = 8;           // http.max_connections_per_caller
  };

  // One admitted connection; releases its place when destroyed. Must not
  // outlive its quota.
  class Lease {
   public:
    Lease(ConnectionQuota& quota, CallerKey key) : quota_(&quota), key_(std::move(key)) {}
    ~Lease() { if (quota_) quota_->release(key_); }
    Lease(Lease&& other) noexcept : quota_(other.quota_), key_(std::move(other.key_)) { other.quota_ = nullptr; }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;

   private:
    ConnectionQuota* quota_;
    CallerKey key_;
  };

  // A lease when `key` may open one more connection now; otherwise the
  // refusal (QUOTA_EXCEEDED naming the key that refused), nothing counted.
  std::variant<Lease, Error> admit(const CallerKey& key, const Limits& limits);

  // Whether to log this refusal of `key`'s: at most once per caller per
  // `per_caller_interval`, and at most `lines` lines per interval in all (a
  // caller that closes everything and floods again gets a fresh entry). A
  // value: log it, noting how many refusals were not logged before (0: none).
  std::optional<std::uint64_t> log_refusal(const CallerKey& key, TimePoint now);

  int held(const CallerKey& key) const;
  int total() const { return total_; }
  std::size_t callers() const { return callers_.size(); }

  static constexpr std::chrono::seconds kLogInterval{5};
  static constexpr int kLogLines = 10;

 private:
  struct Entry {
    int open = 0;
    std::optional<TimePoint> last_logged;
  };
  void release(const CallerKey& key);

  std::map<CallerKey, Entry> callers_;
  int total_ = 0;
  TimePoint window_start_{};
  int lines_in_window_ = 0;
  std::uint64_t unlogged_ = 0;
};

}  // namespace ddtr::http
