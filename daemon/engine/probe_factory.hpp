// Chooses and sets up the probe strategy for one run: the local endpoint, the
// identities it needs (echo id lease, reserved port) and the run's
// source/destination as the result reports them.
#pragma once

#include <memory>

#include "daemon/engine/id_allocator.hpp"
#include "daemon/probes/probe_strategy.hpp"
#include "shared/common/trace_params.hpp"
#include "shared/result/results.hpp"

namespace ddtr::engine {

struct PreparedRun {
  std::unique_ptr<probes::ProbeStrategy> strategy;
  Run skeleton;                      // source and destination, no hops yet
  std::shared_ptr<void> identities;  // lease / reserved port, held until the run ends
};

// Throws ddtr::Error (no route, no free identity, unsupported method).
PreparedRun prepare_run(const TraceParams& params, const Endpoint& target, int min_ttl, IdAllocator& ids);

}  // namespace ddtr::engine
