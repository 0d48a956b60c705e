#include "client/doctor.hpp"

#include <kj/async-io.h>

#include <cmath>
#include <cstdio>
#include <optional>
#include <vector>

#include "client/doctor_report.hpp"
#include "client/rpc_client.hpp"
#include "client/trace_backend.hpp"
#include "platform/capabilities.hpp"
#include "shared/common/version.hpp"

namespace ddtr::client {
namespace {

std::string number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

void check_role_and_quota(const DaemonStatus& s, DoctorReport& report) {
  std::string groups;
  for (const auto& g : s.groups) groups += (groups.empty() ? "" : ",") + g;
  // The Windows daemon knows callers by their token's SIDs: no uid (0xffffffff on the wire).
  std::string uid;
  if (s.uid != 0xffffffffu) uid.append("uid ").append(std::to_string(s.uid)).append(", ");
  std::string who = "you are " + s.user + " (" + uid + "groups " +
                    (groups.empty() ? "none" : groups) + "), role \"" + s.role + "\" (" + s.role_rule + ")";
  if (s.role == "denied") {
    report.fail(who + ": you may not trace",
                "ask an administrator to grant you a role in " + s.config_path +
                    " (access.user or access.admin) and " + daemon_hints().reload);
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

// Who the daemon runs as and what it holds (told by daemons since issue 14;
// not on Windows, where the service's token is what matters).
void check_daemon_account(const DaemonStatus& s, DoctorReport& report) {
  if (s.daemon_uid == 0xffffffffu) return;
  std::string caps;
  for (const auto& c : s.capabilities) caps += (caps.empty() ? "" : ",") + c;
  std::string line = "daemon runs as " + (s.daemon_user.empty() ? std::string("uid ") : s.daemon_user + " (uid ") +
                     std::to_string(s.daemon_uid) + (s.daemon_user.empty() ? "" : ")") +
                     ", effective capabilities: " + (caps.empty() ? "none" : caps);
  if (s.daemon_uid == 0) {
    report.warn(line + " (uid 0 still owns root's files)",
                "create the user datadog-traceroute (the package does) or start the daemon with --user NAME");
  } else {
    report.ok(line);
  }
}

void check_daemon(const DaemonStatus& s, DoctorReport& report) {
  if (s.version == kVersion) {
    report.ok("daemon " + s.version + " answers (client " + std::string(kVersion) + ")");
  } else {
    report.warn("daemon " + s.version + " answers, but this client is " + std::string(kVersion),
                "install the same version of both (the package ships them together)");
  }
  check_daemon_privilege(s.capabilities, report);
  check_daemon_account(s, report);
  report.ok("daemon config " + s.config_path + (s.config_file_exists ? "" : " (absent: built-in defaults)") +
            ", loaded " + s.config_loaded_at + "; " + std::to_string(s.daemon_running) + " traces running, " +
            std::to_string(s.daemon_queued) + " waiting");
  // A run holds its identities only while it runs: an idle daemon shows zeros.
  report.ok("daemon probe identities: " + std::to_string(s.echo_ids_leased) + " ICMP echo ids leased, " +
            std::to_string(s.ports_reserved) + " ports reserved, " + std::to_string(s.demux_routes) +
            " reply routes in the shared capture");
  // Over its budget a trace is slowed, never refused.
  auto per_second = [](double rate) { return rate > 0 ? number(rate) + " per second" : std::string("unbounded"); };
  report.ok("packet budget: your traces' probes " + per_second(s.limits.probes_per_second) + ", the daemon's " +
            per_second(s.global_probes_per_second));
  if (s.audit_log_path.empty()) {
    report.warn("the daemon keeps no audit log", "set audit_log in " + s.config_path);
  } else if (!s.audit_log_healthy) {
    report.fail("the daemon cannot write its audit log " + s.audit_log_path +
                    (s.audit_log_problem.empty() ? "" : ": " + s.audit_log_problem),
                "check the disk (df " + s.audit_log_path + ") and the file's permissions; traces still run");
  } else {
    report.ok("audit log " + s.audit_log_path);
  }
}

// No daemon answers, and this caller may not trace without one.
void no_way_to_trace(DoctorReport& report) {
  report.fail("mode: none: no daemon answers and this process does not hold " + in_process_privilege(),
              "start the daemon (above), or " + in_process_hint());
}

// --no-daemon: only this process's privilege matters.
void doctor_no_daemon(bool privileged, DoctorReport& report) {
  if (privileged) {
    report.ok("mode: in-process (--no-daemon): this process holds " + in_process_privilege() +
              " and runs the engine itself; no daemon, no policy, no audit");
  } else {
    report.fail("mode: none: --no-daemon needs " + in_process_privilege() + " and this process does not hold it",
                in_process_hint() + "; or drop --no-daemon and trace through the daemon");
  }
}

// Whether a daemon accepts a connection at `socket_path`, asking nothing.
bool daemon_answers(const std::string& socket_path) {
  try {
    auto io = kj::setupAsyncIo();
    DaemonConnection daemon(io, socket_path);
    return true;
  } catch (const Error&) {
    return false;
  }
}

}  // namespace

int run_doctor(const std::string& socket_path, bool no_daemon, std::ostream& out) {
  DoctorReport report(out);
  out << "datadog-traceroute doctor " << kVersion << "\n";
  const bool privileged = in_process_supported() && platform::has_cap_net_raw();
  if (no_daemon) {
    doctor_no_daemon(privileged, report);
  } else if (privileged && !daemon_answers(socket_path)) {
    // No daemon is no problem for this caller: the Go tool's way, in-process.
    report.ok("mode: in-process: no daemon answers at " + socket_path + ", and this process holds " +
              in_process_privilege() + ", so traces run in it (no policy, no audit)");
    report.warn("no daemon at " + socket_path + ": unprivileged users cannot trace on this host",
                "start the daemon ('sudo systemctl start datadog-tracerouted.socket' or "
                "'sudo datadog-tracerouted --foreground') to trace through it, under its policy");
  } else if (check_endpoint(socket_path, report)) {
    std::optional<DaemonStatus> status;
    try {
      auto io = kj::setupAsyncIo();
      DaemonConnection daemon(io, socket_path);
      status = daemon.daemon_status();
    } catch (const Error& e) {
      if (e.code() == ErrorCode::DaemonUnavailable) {
        report.fail(std::string("the daemon does not answer: ") + e.what(), daemon_hints().status);
        if (in_process_supported() && !privileged) no_way_to_trace(report);
      } else {
        // It runs and answered: it refused this connection or call (a limit of yours).
        report.fail(std::string("the daemon refused: ") + e.what() + " (code " +
                        std::string(error_code_name(e.code())) + ")",
                    "close some of your connections to the daemon, or wait, and run doctor again");
      }
    }
    if (status) {
      report.ok("mode: daemon: traces run in the daemon at " + socket_path);
      check_daemon(*status, report);
      check_role_and_quota(*status, report);
    }
  } else if (in_process_supported() && !privileged) {
    no_way_to_trace(report);
  }
  out << (report.failures() == 0 ? "no problems found\n"
                                 : std::to_string(report.failures()) + " problem(s) found\n");
  return report.status();
}

}  // namespace ddtr::client
