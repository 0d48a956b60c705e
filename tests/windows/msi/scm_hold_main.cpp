// windows_scm_hold.exe: holds a connection to the service manager until it is
// killed. Wine's services.exe forgets a service created on a connection once
// the last client connection closes (tests/windows/scm_for_tests.hpp), so
// msiexec's StartServices, on a connection of its own, would find no service
// that InstallServices just created; on Windows this is never needed.
#include <windows.h>

#include <cstdio>

int main() {
  SC_HANDLE scm = ::OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT);
  if (scm == nullptr) {
    std::printf("OpenSCManager failed: %lu\n", ::GetLastError());
    return 1;
  }
  std::printf("held\n");
  std::fflush(stdout);
  ::Sleep(INFINITE);
  ::CloseServiceHandle(scm);
  return 0;
}
