// Upstream's IDs: a random UUIDv4 (16 bytes) in base64url without padding, 22 chars.
#pragma once

#include <random>
#include <string>

namespace ddtr {

class RunIdGenerator {
 public:
  RunIdGenerator();
  std::string next();

 private:
  std::mt19937_64 rng_;
};

}  // namespace ddtr
