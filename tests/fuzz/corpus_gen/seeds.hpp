// The seed inputs of every fuzz target, built with the project's own packet
// builders and codec so they are what the daemon really sees. make_corpus
// writes them under tests/fuzz/corpus/<target>/.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "shared/common/ip_address.hpp"

namespace ddtr::fuzz {

struct Seed {
  std::string name;  // the file name
  std::vector<std::uint8_t> bytes;
};

struct TargetSeeds {
  std::string target;  // the corpus directory, as the target's name without "fuzz_"
  std::vector<Seed> seeds;
};

std::vector<TargetSeeds> wire_seeds();
std::vector<TargetSeeds> probe_seeds();
TargetSeeds cbpf_seeds();
TargetSeeds request_seeds();
TargetSeeds policy_config_seeds();
TargetSeeds http_query_seeds();

// A TCP segment of either family (the addresses decide), checksums left 0:
// nothing that parses received packets verifies them.
std::vector<std::uint8_t> tcp_packet(const Endpoint& from, const Endpoint& to, std::uint8_t flags, std::uint32_t seq,
                                     std::uint32_t ack, std::vector<std::uint8_t> options = {});

}  // namespace ddtr::fuzz
