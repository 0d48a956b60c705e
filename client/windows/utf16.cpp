#include "client/windows/utf16.hpp"

#include <string_view>

namespace ddtr::client::windows {

bool is_local_pipe_name(const std::string& name) {
  static constexpr std::string_view prefix = "\\\\.\\pipe\\";
  if (name.size() <= prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = name[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

}  // namespace ddtr::client::windows
