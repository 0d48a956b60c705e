// The service's log: timestamped lines appended to a file (a service has no
// console), warnings and errors also to the Windows event log under the
// service's name. Thread-safe. Windows only.
#pragma once

#include <windows.h>

#include <cstdio>
#include <mutex>
#include <string>

namespace ddtr::winservice {

class ServiceLog {
 public:
  // Opens (creating its folder) `path` for appending; "" = no file. Also
  // registers the event source; both are best effort: a log that cannot be
  // written must not stop the daemon.
  // `console`: also to stderr (the foreground run).
  ServiceLog(const std::string& path, const std::string& level, bool event_log, bool console = false);
  ServiceLog(const ServiceLog&) = delete;
  ServiceLog& operator=(const ServiceLog&) = delete;
  ~ServiceLog();

  void debug(const std::string& line) { write(0, line); }
  void info(const std::string& line) { write(1, line); }
  void warn(const std::string& line) { write(2, line); }
  void error(const std::string& line) { write(3, line); }

  bool has_file() const { return file_ != nullptr; }

 private:
  void write(int level, const std::string& line);

  std::mutex mutex_;
  std::FILE* file_ = nullptr;
  HANDLE event_source_ = nullptr;
  int min_level_ = 1;
  bool console_ = false;
};

// %ProgramData%\datadog-traceroute\daemon.log
std::string default_log_path();

}  // namespace ddtr::winservice
