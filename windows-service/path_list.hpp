// The system PATH's entries as the MSI's custom actions change them: the
// program's directory added once (whatever its case or a trailing backslash
// in an existing entry) and removed again. Plain strings, no Windows call.
#pragma once

#include <string>

namespace ddtr::winservice {

// `path` with `dir` appended after a ';', unless an entry already names it.
std::string path_with(const std::string& path, const std::string& dir);

// `path` without any entry naming `dir`; the other entries in their order.
std::string path_without(const std::string& path, const std::string& dir);

}  // namespace ddtr::winservice
