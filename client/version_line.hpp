// The Go tool's `version` line, first, so scripts that parse it keep working:
// "Version: 0.1.0 - Commit: none - Build Date: unknown - Go Version: none".
// Commit and date come from the build (-DDDTR_COMMIT=..., -DDDTR_BUILD_DATE=...),
// defaulting to Go's "none" and "unknown"; there is no Go runtime ("none").
#pragma once

#include <string>

namespace ddtr::client {

std::string go_version_line();

}  // namespace ddtr::client
