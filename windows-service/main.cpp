// datadog-tracerouted.exe: install | uninstall | run | foreground |
// check-config | reload. Wiring only.
#include <windows.h>

#include <iostream>

#include "daemon/policy/policy_config.hpp"
#include "shared/common/error.hpp"
#include "platform/windows/common/utf16.hpp"
#include "windows-service/daemon_run.hpp"
#include "windows-service/machine_setup.hpp"
#include "windows-service/policy_paths.hpp"
#include "windows-service/reload_event.hpp"
#include "windows-service/service_command.hpp"
#include "windows-service/service_host.hpp"
#include "windows-service/service_installer.hpp"

using namespace ddtr::winservice;

namespace {

// UTF-8, read through the wide API (an install directory outside the ANSI
// code page stays whole).
std::string this_executable() {
  wchar_t path[MAX_PATH];
  DWORD n = ::GetModuleFileNameW(nullptr, path, MAX_PATH);
  return ddtr::platform::windows::utf8(std::wstring_view(path, n < MAX_PATH ? n : 0));
}

std::string directory_of(const std::string& file) { return file.substr(0, file.find_last_of("\\/")); }

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  ServiceCommand command = parse_service_command(args);
  if (!command.action) {
    (command.exit_code == 0 ? std::cout : std::cerr) << command.output;
    return command.exit_code;
  }
  const RunOptions& options = command.options;
  try {
    switch (*command.action) {
      case Action::Install:
        install_service(kServiceName, this_executable(), options);
        std::cout << "installed service " << kServiceName << ": " << installed_command_line(kServiceName) << "\n";
        return 0;
      case Action::Uninstall:
        uninstall_service(kServiceName);
        std::cout << "removed service " << kServiceName << "\n";
        return 0;
      case Action::Configure:
        configure_machine(kServiceName, directory_of(this_executable()), std::cerr);
        std::cout << "configured service " << kServiceName << ", " << data_directory() << " and the system PATH\n";
        return 0;
      case Action::Unconfigure:
        unconfigure_machine(directory_of(this_executable()));
        std::cout << "removed " << directory_of(this_executable()) << " from the system PATH\n";
        return 0;
      case Action::Run: {
        ServiceLog log(options.log_file.empty() ? default_log_path() : options.log_file, options.log_level, true);
        return run_as_service(kServiceName,
                              [&](const StopSignal& stop, const std::function<void()>& started) {
                                return run_daemon(options, log, stop, started);
                              },
                              log);
      }
      case Action::CheckConfig: {
        const bool is_default = options.config_path.empty();
        const std::string path = is_default ? default_policy_path() : options.config_path;
        try {
          ddtr::policy::load_policy_config(path, is_default);
        } catch (const ddtr::Error& e) {
          std::cout << e.what() << "\n";
          return 1;
        }
        std::cout << path << ": ok\n";
        return 0;
      }
      case Action::Reload:
        // As SIGHUP: the request is delivered; the daemon's log says whether the file took effect.
        request_reload(options.pipe_name);
        std::cout << "asked the daemon serving " << options.pipe_name
                  << " to reload its policy file (its log says whether the file took effect)\n";
        return 0;
      case Action::Foreground: {
        ServiceLog log(options.log_file, options.log_level, false, true);
        return run_in_foreground(
            [&](const StopSignal& stop, const std::function<void()>& started) {
              return run_daemon(options, log, stop, started);
            },
            log);
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "Error: " << e.what() << "\n";
    return 1;
  }
  return 1;
}
