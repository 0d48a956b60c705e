#include "windows-service/service_log.hpp"

#include <ctime>

#include "platform/windows/common/utf16.hpp"
#include "windows-service/service_command.hpp"

namespace ddtr::winservice {
namespace {

constexpr DWORD kEventText = 1;  // event_messages.mc's DDTR_EVENT_TEXT

int level_number(const std::string& level) {
  if (level == "trace" || level == "debug") return 0;
  if (level == "warn") return 2;
  if (level == "error") return 3;
  return 1;
}

const char* level_name(int level) {
  static const char* names[] = {"debug", "info", "warn", "error"};
  return names[level];
}

void make_parent_directory(const std::string& path) {
  auto slash = path.find_last_of("\\/");
  if (slash == std::string::npos) return;
  std::string dir = path.substr(0, slash);
  // Every missing level, outermost first.
  for (std::size_t i = 0; i <= dir.size(); ++i) {
    if (i == dir.size() || dir[i] == '\\' || dir[i] == '/') {
      std::string part = dir.substr(0, i);
      if (!part.empty() && part.back() != ':') ::CreateDirectoryA(part.c_str(), nullptr);
    }
  }
}

}  // namespace

// From the environment, not SHGetKnownFolderPath: the log is opened before the
// service dispatcher connects, and under wine shell32 there starts RpcSs
// through the service manager that is still waiting for this service, which
// then fails to start (1053). The policy and audit paths resolve later.
std::string default_log_path() {
  wchar_t buffer[MAX_PATH];
  DWORD n = ::GetEnvironmentVariableW(L"ProgramData", buffer, MAX_PATH);
  std::string base = n > 0 && n < MAX_PATH ? platform::windows::utf8(std::wstring_view(buffer, n))
                                           : std::string("C:\\ProgramData");
  return base + "\\datadog-traceroute\\daemon.log";
}

ServiceLog::ServiceLog(const std::string& path, const std::string& level, bool event_log, bool console)
    : min_level_(level_number(level)), console_(console) {
  if (!path.empty()) {
    make_parent_directory(path);
    file_ = std::fopen(path.c_str(), "ab");
  }
  if (event_log) event_source_ = ::RegisterEventSourceW(nullptr, platform::windows::utf16(kServiceName).c_str());
}

ServiceLog::~ServiceLog() {
  if (file_ != nullptr) std::fclose(file_);
  if (event_source_ != nullptr) ::DeregisterEventSource(event_source_);
}

void ServiceLog::write(int level, const std::string& line) {
  if (level < min_level_) return;
  std::lock_guard lock(mutex_);
  if (file_ != nullptr) {
    std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_s(&utc, &now);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &utc);
    std::fprintf(file_, "%s %s %s\r\n", stamp, level_name(level), line.c_str());
    std::fflush(file_);
  }
  if (console_) std::fprintf(stderr, "%s: %s\n", level_name(level), line.c_str());
  if (event_source_ != nullptr && level >= 2) {
    // Event id 1 is "%1" in the daemon's message table (event_messages.mc),
    // the file the MSI registers for this source; UTF-16, so a path or an
    // account name outside the ANSI code page reads as it is.
    std::wstring text = platform::windows::utf16(line);
    const wchar_t* strings[] = {text.c_str()};
    ::ReportEventW(event_source_, level == 3 ? EVENTLOG_ERROR_TYPE : EVENTLOG_WARNING_TYPE, 0, kEventText, nullptr,
                   1, 0, strings, nullptr);
  }
}

}  // namespace ddtr::winservice
