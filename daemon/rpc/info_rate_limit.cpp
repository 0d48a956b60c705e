#include "daemon/rpc/info_rate_limit.hpp"

#include <algorithm>

namespace ddtr::rpcserver {
namespace {

// Past this many users the full buckets are forgotten (a full bucket is the
// same as none), so the map stays as small as the users who asked lately.
constexpr std::size_t kSweepAbove = 256;

}  // namespace

double InfoRateLimit::level(const Bucket& bucket, TimePoint now) const {
  double elapsed = std::chrono::duration<double>(now - bucket.refilled).count();
  return std::min(limits_.burst, bucket.tokens + std::max(0.0, elapsed) * limits_.per_second);
}

bool InfoRateLimit::try_take(std::uint64_t principal, TimePoint now) {
  if (buckets_.size() > kSweepAbove) {
    std::erase_if(buckets_, [&](const auto& entry) { return level(entry.second, now) >= limits_.burst; });
  }
  auto [it, fresh] = buckets_.try_emplace(principal, Bucket{limits_.burst, now});
  Bucket& bucket = it->second;
  bucket.tokens = fresh ? limits_.burst : level(bucket, now);
  bucket.refilled = now;
  if (bucket.tokens < 1.0) return false;
  bucket.tokens -= 1.0;
  return true;
}

}  // namespace ddtr::rpcserver
