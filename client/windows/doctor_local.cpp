#include <windows.h>
#include <sddl.h>

#include <algorithm>
#include <vector>

#include "client/doctor_report.hpp"
#include "client/windows/utf16.hpp"
#include "platform/windows/common/unique_handle.hpp"
#include "platform/windows/common/win_error.hpp"

namespace ddtr::client {
namespace {

// This process's user, "DOMAIN\name (S-1-…)", from its token: what the daemon
// will read from the pipe, so a mismatch with the daemon's line shows at once.
std::string who_am_i() {
  HANDLE raw = nullptr;
  if (::OpenProcessToken(::GetCurrentProcess(), TOKEN_QUERY, &raw) == 0) {
    return std::string("unknown (").append(platform::windows::system_message(::GetLastError())).append(")");
  }
  platform::windows::UniqueHandle token(raw);
  DWORD size = 0;
  ::GetTokenInformation(token.get(), TokenUser, nullptr, 0, &size);
  std::vector<unsigned char> buffer(size);
  if (size == 0 || ::GetTokenInformation(token.get(), TokenUser, buffer.data(), size, &size) == 0) {
    return std::string("unknown (").append(platform::windows::system_message(::GetLastError())).append(")");
  }
  PSID sid = reinterpret_cast<TOKEN_USER*>(buffer.data())->User.Sid;
  std::string sid_text = "?";
  LPWSTR text = nullptr;
  if (::ConvertSidToStringSidW(sid, &text) != 0) {
    sid_text = windows::utf8(text);
    ::LocalFree(text);
  }
  wchar_t name[256];
  wchar_t domain[256];
  DWORD name_size = 256, domain_size = 256;
  SID_NAME_USE use{};
  if (::LookupAccountSidW(nullptr, sid, name, &name_size, domain, &domain_size, &use) == 0) return sid_text;
  std::string account = windows::utf8(std::wstring(domain, domain_size));
  if (!account.empty()) account += "\\";
  account += windows::utf8(std::wstring(name, name_size));
  return account + " (" + sid_text + ")";
}

}  // namespace

bool check_endpoint(const std::string& endpoint, DoctorReport& report) {
  report.ok("this process runs as " + who_am_i());
  if (!windows::is_local_pipe_name(endpoint)) {
    report.fail(endpoint + " is not a local pipe name", "use --socket \\\\.\\pipe\\NAME (or DD_TRACEROUTE_SOCKET)");
    return false;
  }
  // Waits for a free instance at most 1 ms: only "is there such a pipe" counts
  // here; a busy one still exists.
  if (::WaitNamedPipeW(windows::utf16(endpoint).c_str(), 1) == 0) {
    DWORD error = ::GetLastError();
    if (error == ERROR_FILE_NOT_FOUND || error == ERROR_BAD_PATHNAME || error == ERROR_INVALID_NAME) {
      report.fail("pipe " + endpoint + ": " + platform::windows::system_message(error),
                  "start the daemon: 'sc start datadog-tracerouted' (installed with 'datadog-tracerouted install') "
                  "or 'datadog-tracerouted foreground'; or point at its pipe with --socket PIPE or "
                  "DD_TRACEROUTE_SOCKET");
      return false;
    }
  }
  report.ok("pipe " + endpoint);
  return true;
}

// The service reads its policy file when it starts (no SIGHUP on Windows).
DaemonHints daemon_hints() {
  return {"check it: 'sc query datadog-tracerouted' or its log (%ProgramData%\\datadog-traceroute\\daemon.log)",
          "restart the service (sc stop datadog-tracerouted, then sc start datadog-tracerouted)"};
}

void check_daemon_privilege(const std::vector<std::string>& capabilities, DoctorReport& report) {
  if (std::find(capabilities.begin(), capabilities.end(), "elevated") != capabilities.end()) {
    report.ok("daemon runs elevated");
  } else {
    report.fail("daemon is not elevated: it cannot open raw sockets or the driver",
                "run it as a service (LocalSystem, 'datadog-tracerouted install') or from an Administrator console");
  }
}

}  // namespace ddtr::client
