// Chooses and sets up how one run probes: the probe strategy and its packet
// source/sink (or a connect channel), the local endpoint, the identities it
// needs (echo id lease, reserved port) and the run's source/destination as the
// result reports them.
#pragma once

#include <memory>

#include <boost/asio/io_context.hpp>

#include "daemon/engine/id_allocator.hpp"
#include "daemon/engine/probe_channel.hpp"
#include "shared/common/trace_params.hpp"
#include "shared/result/results.hpp"

namespace ddtr::engine {

struct PreparedRun {
  std::shared_ptr<ProbeChannel> channel;
  Run skeleton;                      // source and destination, no hops yet
  std::shared_ptr<void> identities;  // lease / reserved port, held until the run ends
};

// Throws ddtr::Error (no route, no free identity, unsupported method).
PreparedRun prepare_run(boost::asio::io_context& io, const TraceParams& params, const Endpoint& target, int min_ttl,
                        IdAllocator& ids);

}  // namespace ddtr::engine
