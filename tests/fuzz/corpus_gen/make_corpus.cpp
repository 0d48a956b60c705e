// Writes the seed corpora: make_corpus DIR writes DIR/<target>/<seed>, one
// small binary file per seed. The checked-in tests/fuzz/corpus is its output;
// the fuzz.corpus ctest checks that it still is.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "tests/fuzz/corpus_gen/seeds.hpp"

using namespace ddtr::fuzz;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  std::vector<TargetSeeds> all = wire_seeds();
  // The demux's routing key reads the same replies as the ICMP and TCP parsers.
  TargetSeeds route{"reply_route", {}};
  for (const auto& t : all) {
    if (t.target == "icmp_message" || t.target == "tcp_segment") route.seeds.insert(route.seeds.end(), t.seeds.begin(), t.seeds.end());
  }
  all.push_back(route);
  for (auto& t : probe_seeds()) all.push_back(std::move(t));
  all.push_back(cbpf_seeds());
  all.push_back(request_seeds());
  all.push_back(policy_config_seeds());
  all.push_back(http_query_seeds());
  std::size_t files = 0;
  for (const auto& target : all) {
    auto dir = std::filesystem::path(argv[1]) / target.target;
    std::filesystem::create_directories(dir);
    for (const auto& seed : target.seeds) {
      std::ofstream out(dir / seed.name, std::ios::binary | std::ios::trunc);
      out.write(reinterpret_cast<const char*>(seed.bytes.data()), static_cast<std::streamsize>(seed.bytes.size()));
      if (!out) {
        std::fprintf(stderr, "cannot write %s\n", (dir / seed.name).c_str());
        return 1;
      }
      ++files;
    }
  }
  std::printf("%zu seeds for %zu targets in %s\n", files, all.size(), argv[1]);
  return 0;
}
