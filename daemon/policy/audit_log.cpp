#include "daemon/policy/audit_log.hpp"

#include <spdlog/spdlog.h>

#include <cmath>
#include <ctime>
#include <nlohmann/json.hpp>

#include "platform/utc_time.hpp"

namespace ddtr::policy {
namespace {

std::string rfc3339_utc(std::chrono::system_clock::time_point time) {
  auto since_epoch = time.time_since_epoch();
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(since_epoch - seconds).count();
  std::time_t t = seconds.count();
  std::tm tm = platform::utc_tm(t);
  char buffer[40];
  std::size_t n = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buffer + n, sizeof buffer - n, ".%06lldZ", static_cast<long long>(micros));
  return buffer;
}

double milliseconds(double ms) { return std::round(ms * 1000.0) / 1000.0; }

}  // namespace

std::string audit_line(const AuditRecord& r) {
  // ordered_json keeps the keys as written: time and caller first.
  nlohmann::ordered_json line;
  line["time"] = rfc3339_utc(r.time);
  line["source"] = r.source;
  if (r.source == "http") {
    // A token or anonymous caller has no local identity the daemon could vouch
    // for; a loopback caller placed by its socket's owner has a uid (no pid).
    bool placed = r.who.uid != kNoUid;
    line["uid"] = placed ? nlohmann::ordered_json(r.who.uid) : nlohmann::ordered_json(nullptr);
    line["user"] = r.who.user_name;
    line["gid"] = placed && r.who.gid != 0xffffffff ? nlohmann::ordered_json(r.who.gid) : nlohmann::ordered_json(nullptr);
    line["pid"] = nullptr;
    line["remote"] = r.remote;
  } else {
    line["uid"] = r.who.uid;
    line["user"] = r.who.user_name;
    line["gid"] = r.who.gid;
    line["pid"] = r.who.pid;
    if (!r.who.account.empty()) line["account"] = r.who.account;  // Windows: the SID's account name
  }
  line["role"] = r.role;
  line["target"] = r.params.hostname;
  if (r.target_bytes) line["target_bytes"] = *r.target_bytes;  // only when "target" was clipped
  const TraceParams& p = r.params;
  line["options"] = {{"protocol", p.protocol},
                     {"port", p.port},
                     {"tcp_method", p.tcp_method},
                     {"max_ttl", p.max_ttl},
                     {"timeout_ms", p.timeout_ms},
                     {"traceroute_queries", p.traceroute_queries},
                     {"e2e_queries", p.e2e_queries},
                     {"ipv6", p.want_v6},
                     {"reverse_dns", p.reverse_dns},
                     {"source_public_ip", p.collect_source_public_ip},
                     {"skip_private_hops", p.skip_private_hops},
                     {"windows_driver", p.use_windows_driver}};
  if (r.effective) {
    const EffectiveTrace& e = *r.effective;
    nlohmann::ordered_json effective;
    effective["address"] = ip_text(e.destination.address);
    effective["probed"] = e.probed;
    effective["protocol"] = e.protocol;
    if (e.protocol == "icmp") {
      effective["port"] = nullptr;  // ICMP has none
    } else {
      effective["port"] = e.destination.port;
    }
    if (e.protocol == "tcp") {
      effective["tcp_method"] = e.tcp_method;
    } else {
      effective["tcp_method"] = nullptr;
    }
    effective["min_ttl"] = e.min_ttl;
    effective["max_ttl"] = e.max_ttl;
    effective["timeout_ms"] = e.timeout_ms;
    effective["traceroute_queries"] = e.traceroute_queries;
    effective["e2e_queries"] = e.e2e_queries;
    effective["source_ports"] = e.source_ports;
    line["effective"] = std::move(effective);
  } else {
    line["effective"] = nullptr;
  }
  line["verdict"] = r.verdict;
  line["outcome"] = r.outcome;
  if (r.error) {
    line["error"] = {{"code", std::string(error_code_name(r.error->code()))}, {"message", r.error->what()}};
  } else {
    line["error"] = nullptr;
  }
  line["queued_ms"] = milliseconds(r.queued_ms);
  line["duration_ms"] = milliseconds(r.duration_ms);
  // Invalid UTF-8 from a client (a target name) is replaced, never a throw.
  return line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string audit_line(const RefusalBudget::Summary& summary, std::chrono::system_clock::time_point time) {
  nlohmann::ordered_json line;
  line["time"] = rfc3339_utc(time);
  line["event"] = "refusals_suppressed";
  line["caller"] = summary.name;
  line["verdict"] = "refused";
  line["suppressed"] = summary.suppressed;
  nlohmann::ordered_json codes = nlohmann::ordered_json::object();
  for (const auto& [code, count] : summary.codes) codes[std::string(error_code_name(code))] = count;
  line["codes"] = std::move(codes);
  line["interval_s"] = summary.interval.count();
  return line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

AuditLog::AuditLog(std::string path) : path_(std::move(path)) {
  if (!path_.empty()) file_ = platform::AppendFile::open(path_);
}

void AuditLog::reopen(std::string path) {
  platform::AppendFile file;
  try {
    if (!path.empty()) file = platform::AppendFile::open(path);
  } catch (const Error& e) {
    open_problem_ = e.what();
    throw;
  }
  file_ = std::move(file);
  path_ = std::move(path);
  open_problem_.clear();
  write_problem_.clear();
}

void AuditLog::write(const AuditRecord& record) {
  if (file_.valid()) append(audit_line(record) + "\n");
}

void AuditLog::write(const RefusalBudget::Summary& summary, std::chrono::system_clock::time_point time) {
  if (file_.valid()) append(audit_line(summary, time) + "\n");
}

void AuditLog::append(const std::string& line) {
  std::string error;
  bool ok = file_.append(line, error);
  if (!ok) write_failures_.fetch_add(1, std::memory_order_relaxed);
  if (!ok && write_problem_.empty()) {
    spdlog::error("audit log {}: write failed ({}); traces go on, audit lines are lost until writing works again",
                  path_, error);
    write_problem_ = "write failed: " + error;
  } else if (ok && !write_problem_.empty()) {
    spdlog::warn("audit log {}: writing works again", path_);
    write_problem_.clear();
  }
}

}  // namespace ddtr::policy
