// Upstream's result.Normalize and RemovePrivateHops, step for step.
#pragma once

#include <string_view>
#include <vector>

#include "shared/result/results.hpp"
#include "shared/result/run_id.hpp"

namespace ddtr {

// New test_run_id and run_ids, reachable flags, hop_count, e2e statistics.
void normalize(Results& results, RunIdGenerator& ids);

// The e2e statistics from the rtts (completion order, 0 = lost).
void compute_e2e_stats(E2eProbe& e2e);

// RFC 1918 and fc00::/7 only, as upstream.
bool is_private_ip(std::string_view ip_text);

// Blanks every private hop (after normalize: hop_count is not recomputed).
void remove_private_hops(Results& results);

}  // namespace ddtr
