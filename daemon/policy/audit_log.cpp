#include "daemon/policy/audit_log.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>

namespace ddtr::policy {
namespace {

std::string rfc3339_utc(std::chrono::system_clock::time_point time) {
  auto since_epoch = time.time_since_epoch();
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(since_epoch - seconds).count();
  std::time_t t = seconds.count();
  std::tm tm{};
  ::gmtime_r(&t, &tm);
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
    // An HTTP caller has no local identity the daemon could vouch for.
    line["uid"] = nullptr;
    line["user"] = r.who.user_name;
    line["gid"] = nullptr;
    line["pid"] = nullptr;
    line["remote"] = r.remote;
  } else {
    line["uid"] = r.who.uid;
    line["user"] = r.who.user_name;
    line["gid"] = r.who.gid;
    line["pid"] = r.who.pid;
  }
  line["role"] = r.role;
  line["target"] = r.params.hostname;
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

platform::UniqueFd AuditLog::open_file(const std::string& path) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty() && !std::filesystem::exists(parent, ec)) {
    std::filesystem::create_directories(parent, ec);
    if (ec) throw Error(ErrorCode::Unknown, "cannot create the audit log directory " + parent.string() + ": " + ec.message());
    ::chmod(parent.c_str(), 0750);
  }
  platform::UniqueFd fd(::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640));
  if (!fd.valid()) {
    throw Error(ErrorCode::Unknown, "cannot open the audit log " + path + ": " + std::strerror(errno));
  }
  return fd;
}

AuditLog::AuditLog(std::string path) : path_(std::move(path)) {
  if (!path_.empty()) fd_ = open_file(path_);
}

void AuditLog::reopen(std::string path) {
  platform::UniqueFd fd;
  if (!path.empty()) fd = open_file(path);
  fd_ = std::move(fd);
  path_ = std::move(path);
  healthy_ = true;
}

void AuditLog::write(const AuditRecord& record) {
  if (!fd_.valid()) return;
  std::string line = audit_line(record) + "\n";
  // One write(2) per line: O_APPEND keeps lines whole even if the file is shared.
  ssize_t written = ::write(fd_.get(), line.data(), line.size());
  bool ok = written == static_cast<ssize_t>(line.size());
  if (!ok && healthy_) {
    int err = written < 0 ? errno : ENOSPC;
    spdlog::error("audit log {}: write failed ({}); traces go on, audit lines are lost until writing works again",
                  path_, std::strerror(err));
  } else if (ok && !healthy_) {
    spdlog::warn("audit log {}: writing works again", path_);
  }
  healthy_ = ok;
}

}  // namespace ddtr::policy
