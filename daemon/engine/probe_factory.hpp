// Chooses and sets up how one run probes: the probe strategy and how it
// reaches the network (the engine's shared demux when there is one, else a
// packet source/sink of its own; SACK and syn_socket always their own), the local endpoint, the identities it
// needs (echo id lease, reserved port) and the run's source/destination as the
// result reports them.
#pragma once

#include <memory>

#include <boost/asio/io_context.hpp>

#include "daemon/engine/id_allocator.hpp"
#include "daemon/engine/probe_channel.hpp"
#include "daemon/engine/reply_demux.hpp"
#include "platform/local_address.hpp"
#include "platform/source_sink.hpp"
#include "shared/common/trace_params.hpp"
#include "shared/result/results.hpp"

namespace ddtr::engine {

struct PreparedRun {
  std::shared_ptr<ProbeChannel> channel;
  Run skeleton;                      // source and destination, no hops yet
  std::shared_ptr<void> identities;  // lease / reserved port, held until the run ends
};

// `demux` may be null: raw runs then open a source/sink each (the seed's path),
// through `capture` (the request's driver flag, the daemon's driver version).
// Throws ddtr::Error (no route, no free identity, unsupported method).
PreparedRun prepare_run(boost::asio::io_context& io, const TraceParams& params, const platform::CaptureChoice& capture,
                        const Endpoint& target, int min_ttl, IdAllocator& ids,
                        platform::SourceAddressFinder& sources, const std::shared_ptr<ReplyDemux>& demux);

}  // namespace ddtr::engine
