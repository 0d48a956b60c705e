#include "windows-service/path_list.hpp"

#include <vector>

namespace ddtr::winservice {
namespace {

// Windows paths compare without case (ASCII is enough for the comparison of
// our own directory) and without a trailing separator.
std::string comparable(std::string entry) {
  while (!entry.empty() && (entry.back() == '\\' || entry.back() == '/')) entry.pop_back();
  for (char& ch : entry) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    if (ch == '/') ch = '\\';
  }
  return entry;
}

std::vector<std::string> entries(const std::string& path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find(';', start);
    if (end == std::string::npos) end = path.size();
    out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

std::string path_with(const std::string& path, const std::string& dir) {
  const std::string wanted = comparable(dir);
  for (const auto& entry : entries(path)) {
    if (comparable(entry) == wanted) return path;
  }
  if (path.empty()) return dir;
  return path.back() == ';' ? path + dir : path + ";" + dir;
}

std::string path_without(const std::string& path, const std::string& dir) {
  const std::string unwanted = comparable(dir);
  std::string out;
  bool first = true;
  for (const auto& entry : entries(path)) {
    if (!entry.empty() && comparable(entry) == unwanted) continue;
    if (!first) out += ';';
    out += entry;
    first = false;
  }
  return out;
}

}  // namespace ddtr::winservice
