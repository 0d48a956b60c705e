// The audit trail: one JSON line per request (who, what, the verdict, how it
// ended), appended to the daemon's own file, apart from its diagnostic log.
// A failing disk must not stop traces: a write that fails is reported once in
// the daemon's log, and once more when writing works again.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "daemon/policy/identity.hpp"
#include "daemon/policy/refusal_budget.hpp"
#include "platform/append_file.hpp"
#include "shared/common/error.hpp"
#include "shared/common/ip_address.hpp"
#include "shared/common/trace_params.hpp"

namespace ddtr::policy {

// What was actually done, beside the request as asked: the address the
// target resolved to and the options the engine ran with (TTLs as sent, after
// the 8-bit mask; the port the probes went to, which a "host:port" target
// sets; the source ports the runs used).
struct EffectiveTrace {
  Endpoint destination;
  bool probed = false;  // false: the destination rules refused the resolved address
  int min_ttl = 0;
  int max_ttl = 0;
  int timeout_ms = 0;
  int traceroute_queries = 0;
  int e2e_queries = 0;
  std::string protocol;
  std::string tcp_method;                  // tcp only
  std::vector<std::uint16_t> source_ports;  // from the runs' results (udp, tcp)
};

struct AuditRecord {
  std::chrono::system_clock::time_point time;  // when the request arrived
  Identity who;
  std::string role;
  std::string source = "rpc";  // "rpc" or "http"
  std::string remote;          // http: the peer's address and port
  TraceParams params;                    // as asked; params.hostname clipped when too long to keep
  std::optional<std::size_t> target_bytes;  // the target's length when params.hostname was clipped
  std::optional<EffectiveTrace> effective;  // once the target was resolved
  std::string verdict;  // "allowed" or "refused"
  std::string outcome;  // "ok", "error", "cancelled" (allowed), or "" (refused)
  std::optional<Error> error;
  double queued_ms = 0;
  double duration_ms = 0;
};

// The line, without its newline. Keys in a fixed order, for people and `jq`.
std::string audit_line(const AuditRecord& record);
// The one line that stands for a principal's refusals past its budget.
std::string audit_line(const RefusalBudget::Summary& summary, std::chrono::system_clock::time_point time);

class AuditLog {
 public:
  // "" disables the log. Otherwise opens (creating it 0640, and its directory
  // 0750, when missing); throws Error when it cannot.
  explicit AuditLog(std::string path);

  void write(const AuditRecord& record);
  void write(const RefusalBudget::Summary& summary, std::chrono::system_clock::time_point time);
  // SIGHUP: reopen (after log rotation) or switch to another path. On failure
  // the old file stays in use, the error is thrown, and the log is unhealthy
  // (problem() says why) until a reopen works.
  void reopen(std::string path);

  const std::string& path() const { return path_; }
  bool healthy() const { return open_problem_.empty() && write_problem_.empty(); }
  // Why it is not healthy ("" when it is): the failed reopen first, else the failed write.
  const std::string& problem() const { return open_problem_.empty() ? write_problem_ : open_problem_; }
  // Lines lost to failed writes since the start; any thread (/metrics).
  std::uint64_t write_failures() const { return write_failures_.load(std::memory_order_relaxed); }

 private:
  void append(const std::string& line);

  std::string path_;
  platform::AppendFile file_;
  std::string open_problem_;
  std::string write_problem_;
  std::atomic<std::uint64_t> write_failures_{0};
};

}  // namespace ddtr::policy
