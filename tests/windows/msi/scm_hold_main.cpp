// windows_scm_hold.exe: waits until the service manager has finished its own
// start-up (it holds the database lock while it starts wine's auto-start
// services, and a StartService then fails), says "held", and holds its
// connection until it is killed. Wine's services.exe forgets a service
// created on a connection once the last client connection closes
// (tests/windows/scm_for_tests.hpp), so msiexec's StartServices, on a
// connection of its own, would find no service that its InstallServices just
// created. Neither is needed on Windows.
#include <windows.h>

#include <cstdio>

int main() {
  SC_HANDLE scm = ::OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT | SC_MANAGER_LOCK);
  if (scm == nullptr) {
    std::printf("OpenSCManager failed: %lu\n", ::GetLastError());
    return 1;
  }
  // Up to a minute for the start-up lock (the test waits as long for "held").
  for (int i = 0; i < 120; ++i) {
    SC_LOCK lock = ::LockServiceDatabase(scm);
    if (lock != nullptr) {
      ::UnlockServiceDatabase(lock);
      break;
    }
    ::Sleep(500);
  }
  std::printf("held\n");
  std::fflush(stdout);
  ::Sleep(INFINITE);
  ::CloseServiceHandle(scm);
  return 0;
}
