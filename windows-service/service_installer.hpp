// Registering and removing the service with the SCM. Windows only.
#pragma once

#include <string>

#include "windows-service/service_command.hpp"

namespace ddtr::winservice {

// CreateService: own process, automatic start, LocalSystem, the command line
// service_command_line(exe, options); description, a preshutdown timeout,
// and restart-on-failure actions. Throws ddtr::Error.
void install_service(const std::string& name, const std::string& exe, const RunOptions& options,
                     const std::string& display_name = kServiceDisplayName);

// The description, preshutdown timeout and restart-on-failure actions of
// install_service, applied to a service registered by someone else (the MSI's
// ServiceInstall table cannot say recovery). Throws ddtr::Error.
void configure_service(const std::string& name);

// Stops the service if it runs (waits up to 30 s), then deletes it. Throws
// ddtr::Error ("… is not installed" when there is nothing to remove).
void uninstall_service(const std::string& name);

// The command line the SCM has for the service (QueryServiceConfig).
std::string installed_command_line(const std::string& name);

}  // namespace ddtr::winservice
