// Installing a service for a test. Wine's services.exe forgets a service
// created on a connection once the last client connection closes (a new
// connection's OpenService then answers ERROR_SERVICE_DOES_NOT_EXIST; never on
// Windows), so a test holds a connection of its own for as long as it runs.
#pragma once

#include <windows.h>

#include <string>

#include "pipe_pair.hpp"
#include "windows-service/service_installer.hpp"

namespace ddtr::winservice {

class ScmConnectionHold {
 public:
  ScmConnectionHold() : h_(::OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT)) {}
  ScmConnectionHold(const ScmConnectionHold&) = delete;
  ScmConnectionHold& operator=(const ScmConnectionHold&) = delete;
  ~ScmConnectionHold() {
    if (h_ != nullptr) ::CloseServiceHandle(h_);
  }
  bool ok() const { return h_ != nullptr; }

 private:
  SC_HANDLE h_;
};

// Installs under a fresh name (and display name: wine reuses process ids) and
// returns the name.
inline std::string install_for_test(const std::string& exe, const RunOptions& options) {
  std::string name = testing_windows::unique_service_name("test");
  install_service(name, exe, options, name);
  return name;
}

}  // namespace ddtr::winservice
