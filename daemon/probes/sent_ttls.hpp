// Which TTLs a run has sent: a probe strategy refuses to send one twice or
// outside its range, and ignores replies for TTLs it never sent.
#pragma once

#include <bitset>
#include <string>

#include "shared/common/error.hpp"

namespace ddtr::probes {

class SentTtls {
 public:
  SentTtls(int min_ttl, int max_ttl, std::string driver) : min_(min_ttl), max_(max_ttl), driver_(std::move(driver)) {}

  // Upstream's messages, e.g. "icmpDriver asked to send invalid TTL 31".
  void mark(int ttl) {
    if (ttl < min_ || ttl > max_ || ttl < 1 || ttl > 255) {
      throw Error(ErrorCode::Unknown, driver_ + " asked to send invalid TTL " + std::to_string(ttl));
    }
    if (sent_.test(static_cast<std::size_t>(ttl))) {
      throw Error(ErrorCode::Unknown, driver_ + " asked to send probe for TTL " + std::to_string(ttl) +
                                          " but it was already sent");
    }
    sent_.set(static_cast<std::size_t>(ttl));
  }

  bool was_sent(int ttl) const {
    return ttl >= min_ && ttl <= max_ && ttl >= 1 && ttl <= 255 && sent_.test(static_cast<std::size_t>(ttl));
  }

 private:
  int min_, max_;
  std::string driver_;
  std::bitset<256> sent_;
};

}  // namespace ddtr::probes
