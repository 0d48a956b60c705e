#include "tests/testutils/upstream_vectors.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ddtr::testutils {

std::string upstream_vectors_dir() { return std::string(DDTR_TEST_DATA_DIR) + "/upstream-vectors/"; }

std::vector<UpstreamVector> load_upstream_vectors() {
  std::ifstream in(upstream_vectors_dir() + "vectors.tsv");
  if (!in) throw std::runtime_error("cannot read " + upstream_vectors_dir() + "vectors.tsv");
  std::vector<UpstreamVector> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    UpstreamVector v;
    std::string params;
    std::getline(fields, v.id, '\t');
    std::getline(fields, v.kind, '\t');
    std::getline(fields, v.hex, '\t');
    std::getline(fields, params, '\t');
    std::istringstream words(params);
    for (std::string word; words >> word;) {
      auto eq = word.find('=');
      if (eq != std::string::npos) v.params[word.substr(0, eq)] = word.substr(eq + 1);
    }
    out.push_back(std::move(v));
  }
  return out;
}

std::vector<std::uint8_t> bytes_of_hex(const std::string& hex) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

}  // namespace ddtr::testutils
