#include "client/version_line.hpp"

#include "shared/common/version.hpp"

#ifndef DDTR_COMMIT
#define DDTR_COMMIT "none"
#endif
#ifndef DDTR_BUILD_DATE
#define DDTR_BUILD_DATE "unknown"
#endif

namespace ddtr::client {

std::string go_version_line() {
  return std::string("Version: ") + kVersion + " - Commit: " + DDTR_COMMIT + " - Build Date: " + DDTR_BUILD_DATE +
         " - Go Version: none";
}

}  // namespace ddtr::client
