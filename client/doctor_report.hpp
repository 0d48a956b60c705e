// doctor's lines: "ok", "warn" or "FAIL" with what to do, and the failure count.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace ddtr::client {

class DoctorReport {
 public:
  explicit DoctorReport(std::ostream& out) : out_(out) {}
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

// The checks that differ by OS (client/{posix,windows}/doctor_local.cpp).

// The endpoint as the OS will judge our connect: on POSIX the socket file, its
// mode and owner; on Windows who this process runs as (its token) and whether
// the pipe exists. False when connecting cannot work.
bool check_endpoint(const std::string& endpoint, DoctorReport& report);

// How to look at the daemon, and how to make it read its policy file again,
// in this OS's service manager's words.
struct DaemonHints {
  std::string status;  // "check it: …"
  std::string reload;  // "reload the daemon (…)"
};
DaemonHints daemon_hints();

// Whether the daemon holds what sending probes takes: CAP_NET_RAW on Linux,
// an elevated token on Windows.
void check_daemon_privilege(const std::vector<std::string>& capabilities, DoctorReport& report);

}  // namespace ddtr::client
