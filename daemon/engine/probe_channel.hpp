// How a run reaches the network: send the probe for a TTL, and hear about the
// replies that answer it. ParallelRun keeps the timing and the per-TTL state;
// a channel only does IO. Kinds: raw packets judged by a probe strategy (ICMP,
// UDP, TCP SYN) through the engine's shared demux or through a source/sink of
// the run's own; SACK's real connection; one kernel socket per TTL (syn_socket).
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <optional>

#include "daemon/probes/probe_strategy.hpp"
#include "daemon/probes/wire/reply_route.hpp"
#include "platform/packets.hpp"
#include "platform/source_sink.hpp"
#include "shared/common/error.hpp"

namespace ddtr::engine {

class ProbeChannel {
 public:
  using ResponseHandler = std::function<void(const probes::ProbeResponse&, platform::WireTime received_at)>;
  using ErrorHandler = std::function<void(Error)>;

  virtual ~ProbeChannel() = default;
  // Whatever must happen before the first probe (SACK's handshake). `done`
  // runs once, on the io_context's thread, with the error that stops the run
  // if any. The default is ready at once.
  virtual void prepare(std::function<void(std::optional<Error>)> done);
  // Begins delivering responses (on the io_context's thread). Throws Error.
  virtual void start(ResponseHandler on_response, ErrorHandler on_error) = 0;
  // Sends the probe for `ttl`; returns the send time. Throws Error.
  virtual platform::WireTime send(int ttl) = 0;
  // No handler runs after this returns.
  virtual void close() = 0;
};

// Raw probes through a packet source/sink, replies recognised by `strategy`.
std::shared_ptr<ProbeChannel> make_packet_channel(boost::asio::io_context& io,
                                                  std::unique_ptr<probes::ProbeStrategy> strategy,
                                                  platform::SourceSinkHandle handle);

class ReplyDemux;

// Raw probes through the engine's shared capture and sinks: the demux hands
// this channel the replies that carry `route` (the run's echo id or local
// port), and `strategy` judges them.
std::shared_ptr<ProbeChannel> make_demux_channel(std::shared_ptr<ReplyDemux> demux,
                                                 std::unique_ptr<probes::ProbeStrategy> strategy,
                                                 probes::ReplyRoute route);

// SACK: a real connection's handshake first, then raw out-of-order probes.
struct SackChannelConfig {
  Endpoint target;
  IpAddress local;  // the address a UDP dial to the target chose
  int min_ttl = 1;
  int max_ttl = 30;
  std::chrono::milliseconds handshake_timeout{3000};
  platform::CaptureChoice capture;  // driver or raw socket (Windows)
};
std::shared_ptr<ProbeChannel> make_sack_channel(boost::asio::io_context& io, SackChannelConfig config);

// One kernel TCP connect per TTL (syn_socket), no raw sockets.
std::shared_ptr<ProbeChannel> make_connect_channel(boost::asio::io_context& io, const Endpoint& target);

}  // namespace ddtr::engine
