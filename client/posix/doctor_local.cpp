#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "client/doctor_report.hpp"

namespace ddtr::client {
namespace {

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

}  // namespace

// The socket file, as the kernel will judge our connect().
bool check_endpoint(const std::string& path, DoctorReport& report) {
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

DaemonHints daemon_hints() {
  return {"check it: 'systemctl status datadog-tracerouted' or its log",
          "reload the daemon (systemctl reload datadog-tracerouted)"};
}

void check_daemon_privilege(const std::vector<std::string>& capabilities, DoctorReport& report) {
  if (std::find(capabilities.begin(), capabilities.end(), "CAP_NET_RAW") != capabilities.end()) {
    report.ok("daemon holds CAP_NET_RAW");
  } else {
    report.fail("daemon lacks CAP_NET_RAW: it cannot send probes",
                "run it as root or with AmbientCapabilities=CAP_NET_RAW (the packaged unit does)");
  }
}

}  // namespace ddtr::client
