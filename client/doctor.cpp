#include "client/doctor.hpp"

#include <grp.h>
#include <kj/async-io.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <optional>
#include <vector>

#include "client/rpc_client.hpp"
#include "shared/common/version.hpp"

namespace ddtr::client {
namespace {

class Report {
 public:
  explicit Report(std::ostream& out) : out_(out) {}
  void ok(const std::string& what) { out_ << "ok    " << what << "\n"; }
  void warn(const std::string& what, const std::string& fix) {
    out_ << "warn  " << what << "\n      -> " << fix << "\n";
  }
  void fail(const std::string& what, const std::string& fix) {
    out_ << "FAIL  " << what << "\n      -> " << fix << "\n";
    ++failures_;
  }
  int status() const { return failures_ == 0 ? 0 : 1; }
  int failures() const { return failures_; }

 private:
  std::ostream& out_;
  int failures_ = 0;
};

std::string owner_name(uid_t uid) {
  if (passwd* p = ::getpwuid(uid)) return p->pw_name;
  return std::to_string(uid);
}

std::string group_name(gid_t gid) {
  if (group* g = ::getgrgid(gid)) return g->gr_name;
  return std::to_string(gid);
}

std::string octal(mode_t mode) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "%04o", static_cast<unsigned>(mode & 07777));
  return buffer;
}

std::string number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

// The socket file, as the kernel will judge our connect().
bool check_socket_file(const std::string& path, Report& report) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    report.fail("socket " + path + ": " + std::strerror(errno),
                "start the daemon: 'sudo systemctl start datadog-tracerouted.socket' (package) or "
                "'sudo datadog-tracerouted --foreground'; or point at its socket with --socket PATH or "
                "DD_TRACEROUTE_SOCKET");
    return false;
  }
  if (!S_ISSOCK(st.st_mode)) {
    report.fail(path + " exists but is not a socket", "remove it and restart the daemon, or use --socket PATH");
    return false;
  }
  std::string described = "socket " + path + " (mode " + octal(st.st_mode) + ", owner " + owner_name(st.st_uid) +
                          ", group " + group_name(st.st_gid) + ")";
  if (::access(path.c_str(), W_OK) != 0) {
    report.fail(described + ": you may not connect to it",
                "ask an administrator to add you to group " + group_name(st.st_gid) + " (sudo usermod -aG " +
                    group_name(st.st_gid) + " " + owner_name(::getuid()) +
                    ", then log in again), or to widen socket.mode / the socket unit's SocketMode");
    return false;
  }
  report.ok(described);
  return true;
}

void check_role_and_quota(const DaemonStatus& s, Report& report) {
  std::string groups;
  for (const auto& g : s.groups) groups += (groups.empty() ? "" : ",") + g;
  std::string who = "you are " + s.user + " (uid " + std::to_string(s.uid) + ", groups " +
                    (groups.empty() ? "none" : groups) + "), role \"" + s.role + "\" (" + s.role_rule + ")";
  if (s.role == "denied") {
    report.fail(who + ": you may not trace",
                "ask an administrator to grant you a role in " + s.config_path +
                    " (access.user or access.admin) and reload the daemon (systemctl reload datadog-tracerouted)");
    return;
  }
  report.ok(who);
  const auto& l = s.limits;
  std::string protocols;
  for (const auto& p : l.protocols) protocols += (protocols.empty() ? "" : ",") + p;
  report.ok("your limits: queries <= " + std::to_string(l.max_traceroute_queries) + ", e2e queries <= " +
            std::to_string(l.max_e2e_queries) + ", max TTL <= " + std::to_string(l.max_ttl) + ", timeout " +
            std::to_string(l.min_timeout_ms) + ".." + std::to_string(l.max_timeout_ms) + " ms, ports " + l.ports +
            ", protocols " + (protocols.empty() ? "none" : protocols));
  std::string quota = "your quota: " + std::to_string(s.running) + "/" + std::to_string(l.concurrent_traces) +
                      " running, " + std::to_string(s.queued) + "/" + std::to_string(l.queued_traces) + " waiting, " +
                      std::to_string(s.connections) + "/" + std::to_string(l.max_connections) + " connections, " +
                      number(std::floor(s.tokens)) + " traces may start now (" + number(l.rate_per_minute) +
                      " per minute, bursts of " + std::to_string(l.burst) + ")";
  if (s.tokens < 1.0) {
    report.fail(quota + ": rate limit reached", "wait; a new trace may start every " +
                                                    number(l.rate_per_minute > 0 ? 60.0 / l.rate_per_minute : 0) + " s");
  } else if (s.running + s.queued >= l.concurrent_traces + l.queued_traces) {
    report.fail(quota + ": no room for another trace", "wait for your running traces to finish, or stop some");
  } else {
    report.ok(quota);
  }
}

void check_daemon(const DaemonStatus& s, Report& report) {
  if (s.version == kVersion) {
    report.ok("daemon " + s.version + " answers (client " + std::string(kVersion) + ")");
  } else {
    report.warn("daemon " + s.version + " answers, but this client is " + std::string(kVersion),
                "install the same version of both (the package ships them together)");
  }
  if (std::find(s.capabilities.begin(), s.capabilities.end(), "CAP_NET_RAW") != s.capabilities.end()) {
    report.ok("daemon holds CAP_NET_RAW");
  } else {
    report.fail("daemon lacks CAP_NET_RAW: it cannot send probes",
                "run it as root or with AmbientCapabilities=CAP_NET_RAW (the packaged unit does)");
  }
  report.ok("daemon config " + s.config_path + (s.config_file_exists ? "" : " (absent: built-in defaults)") +
            ", loaded " + s.config_loaded_at + "; " + std::to_string(s.daemon_running) + " traces running, " +
            std::to_string(s.daemon_queued) + " waiting");
  // A run holds its identities only while it runs: an idle daemon shows zeros.
  report.ok("daemon probe identities: " + std::to_string(s.echo_ids_leased) + " ICMP echo ids leased, " +
            std::to_string(s.ports_reserved) + " ports reserved, " + std::to_string(s.demux_routes) +
            " reply routes in the shared capture");
  if (s.audit_log_path.empty()) {
    report.warn("the daemon keeps no audit log", "set audit_log in " + s.config_path);
  } else if (!s.audit_log_healthy) {
    report.fail("the daemon cannot write its audit log " + s.audit_log_path,
                "check the disk (df " + s.audit_log_path + ") and the file's permissions; traces still run");
  } else {
    report.ok("audit log " + s.audit_log_path);
  }
}

}  // namespace

int run_doctor(const std::string& socket_path, std::ostream& out) {
  Report report(out);
  out << "datadog-traceroute doctor " << kVersion << "\n";
  if (check_socket_file(socket_path, report)) {
    std::optional<DaemonStatus> status;
    try {
      auto io = kj::setupAsyncIo();
      DaemonConnection daemon(io, socket_path);
      status = daemon.daemon_status();
    } catch (const Error& e) {
      report.fail(std::string("the daemon does not answer: ") + e.what(),
                  "check it: 'systemctl status datadog-tracerouted' or its log");
    }
    if (status) {
      check_daemon(*status, report);
      check_role_and_quota(*status, report);
    }
  }
  out << (report.failures() == 0 ? "no problems found\n"
                                 : std::to_string(report.failures()) + " problem(s) found\n");
  return report.status();
}

}  // namespace ddtr::client
