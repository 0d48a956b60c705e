// The upstream vectors (tests/unit/data/upstream-vectors/vectors.tsv): one
// packet a line with the probe or filter parameters; expected.json says what
// Go asserts. Shared by the conformance tests of each room.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ddtr::testutils {

struct UpstreamVector {
  std::string id, kind, hex;
  std::map<std::string, std::string> params;
};

std::string upstream_vectors_dir();  // with a trailing '/'
std::vector<UpstreamVector> load_upstream_vectors();
std::vector<std::uint8_t> bytes_of_hex(const std::string& hex);

}  // namespace ddtr::testutils
