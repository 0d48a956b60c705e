// The shared code (gateway, engine, policy) logs through spdlog; the Windows
// daemon's lines go to its ServiceLog (file, event log, console), so this
// sink forwards spdlog's default logger there for as long as it lives.
#pragma once

#include "windows-service/service_log.hpp"

namespace ddtr::winservice {

class SpdlogToServiceLog {
 public:
  SpdlogToServiceLog(ServiceLog& log, const std::string& level);
  ~SpdlogToServiceLog();
  SpdlogToServiceLog(const SpdlogToServiceLog&) = delete;
  SpdlogToServiceLog& operator=(const SpdlogToServiceLog&) = delete;
};

}  // namespace ddtr::winservice
