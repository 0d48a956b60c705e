#include "daemon/engine/probe_factory.hpp"

#include <random>

#include "daemon/probes/icmp/icmp_probe.hpp"
#include "daemon/probes/tcp/tcp_syn_probe.hpp"
#include "daemon/probes/udp/udp_probe.hpp"
#include "platform/local_address.hpp"
#include "platform/source_sink.hpp"

namespace ddtr::engine {
namespace {

// Raw probes: the strategy judges what the shared capture routes to `route`,
// or, without a demux, what a packet source of the run's own captures.
std::shared_ptr<ProbeChannel> packet_channel(boost::asio::io_context& io, const platform::CaptureChoice& capture,
                                             const Endpoint& target, std::unique_ptr<probes::ProbeStrategy> strategy,
                                             probes::ReplyRoute route, const std::shared_ptr<ReplyDemux>& demux) {
  if (demux) return make_demux_channel(demux, std::move(strategy), route);
  auto handle = platform::new_source_sink(io, target.address, capture);
  return make_packet_channel(io, std::move(strategy), std::move(handle));
}

PreparedRun prepare_icmp(boost::asio::io_context& io, const TraceParams& params, const platform::CaptureChoice& capture,
                         const Endpoint& target, int min_ttl,
                         IdAllocator& ids, platform::SourceAddressFinder& sources,
                         const std::shared_ptr<ReplyDemux>& demux) {
  // As upstream: the source is the local side of a UDP dial to target:80 (its
  // port is reported, meaningless), the destination port is 0.
  Endpoint local = sources.local_endpoint_for(Endpoint{target.address, 80});
  auto lease = ids.lease();
  if (!lease) throw Error(ErrorCode::Unknown, "no free ICMP echo identifier: too many traces at once");
  PreparedRun run;
  // The echo id is the run's identity: leased daemon-wide, so unique.
  probes::ReplyRoute route{target.address.is_v6(), probes::RouteKind::IcmpEcho, lease->id()};
  run.channel = packet_channel(io, capture, target,
                               std::make_unique<probes::IcmpProbe>(probes::IcmpProbeConfig{
                                   local.address, target.address, lease->id(), min_ttl, params.max_ttl}),
                               route, demux);
  run.skeleton.source = {ip_text(local.address), local.port, {}};
  run.skeleton.destination = {ip_text(target.address), 0, {}};
  run.identities = std::make_shared<IdLease>(std::move(*lease));
  return run;
}

PreparedRun prepare_udp(boost::asio::io_context& io, const TraceParams& params, const platform::CaptureChoice& capture,
                         const Endpoint& target, int min_ttl,
                        IdAllocator& ids, const std::shared_ptr<ReplyDemux>& demux) {
  std::shared_ptr<platform::PortReservation> reservation = platform::reserve_udp_port(target);
  Endpoint local = reservation->local();
  PreparedRun run;
  // The source port is the run's identity: the reserving socket holds it.
  probes::ReplyRoute route{target.address.is_v6(), probes::RouteKind::Udp, local.port};
  run.channel = packet_channel(io, capture, target,
                               std::make_unique<probes::UdpProbe>(
                                   probes::UdpProbeConfig{local, target, min_ttl, params.max_ttl}),
                               route, demux);
  run.skeleton.source = {ip_text(local.address), local.port, {}};
  run.skeleton.destination = {ip_text(target.address), target.port, {}};
  run.identities = ids.count_port(std::move(reservation));
  return run;
}

PreparedRun prepare_tcp_syn(boost::asio::io_context& io, const TraceParams& params, const platform::CaptureChoice& capture,
                         const Endpoint& target,
                            int min_ttl, IdAllocator& ids, platform::SourceAddressFinder& sources,
                            const std::shared_ptr<ReplyDemux>& demux) {
  // As upstream: the local address of a UDP dial, then a port held for the run.
  Endpoint dial = sources.local_endpoint_for(target);
  std::shared_ptr<platform::PortReservation> reservation = platform::reserve_tcp_port(dial.address);
  Endpoint local = reservation->local();
  std::random_device random;
  std::uint32_t seq_base = random();
  auto ip_id_base = static_cast<std::uint16_t>(random());
  PreparedRun run;
  // The source port is the run's identity (held by the reserving socket); the
  // per-probe sequence numbers tell its probes apart.
  probes::ReplyRoute route{target.address.is_v6(), probes::RouteKind::Tcp, local.port};
  run.channel = packet_channel(io, capture, target,
                               std::make_unique<probes::TcpSynProbe>(probes::TcpSynProbeConfig{
                                   local, target, seq_base, ip_id_base, min_ttl, params.max_ttl}),
                               route, demux);
  run.skeleton.source = {ip_text(local.address), local.port, {}};
  run.skeleton.destination = {ip_text(target.address), target.port, {}};
  run.identities = ids.count_port(std::move(reservation));
  return run;
}

PreparedRun prepare_syn_socket(boost::asio::io_context& io, const Endpoint& target, IdAllocator& ids) {
  // As upstream: the reported source is a UDP dial's address and port; every
  // TTL's connect gets its own ephemeral port from the kernel.
  std::shared_ptr<platform::PortReservation> reservation = platform::reserve_udp_port(target);
  Endpoint local = reservation->local();
  PreparedRun run;
  run.channel = make_connect_channel(io, target);
  run.skeleton.source = {ip_text(local.address), local.port, {}};
  run.skeleton.destination = {ip_text(target.address), target.port, {}};
  run.identities = ids.count_port(std::move(reservation));
  return run;
}

}  // namespace

PreparedRun prepare_run(boost::asio::io_context& io, const TraceParams& params, const platform::CaptureChoice& capture,
                        const Endpoint& target, int min_ttl, IdAllocator& ids,
                        platform::SourceAddressFinder& sources, const std::shared_ptr<ReplyDemux>& demux) {
  if (params.protocol == "icmp") return prepare_icmp(io, params, capture, target, min_ttl, ids, sources, demux);
  if (params.protocol == "udp") return prepare_udp(io, params, capture, target, min_ttl, ids, demux);
  if (params.protocol == "tcp" && (params.tcp_method == "syn" || params.tcp_method.empty())) {
    return prepare_tcp_syn(io, params, capture, target, min_ttl, ids, sources, demux);
  }
  if (params.protocol == "tcp" && params.tcp_method == "syn_socket") return prepare_syn_socket(io, target, ids);
  if (params.protocol == "tcp" && (params.tcp_method == "sack" || params.tcp_method == "prefer_sack")) {
    Endpoint local = sources.local_endpoint_for(target);
    PreparedRun run;
    run.channel = make_sack_channel(io, SackChannelConfig{target, local.address, min_ttl, params.max_ttl,
                                                          std::chrono::milliseconds(params.timeout_ms),
                                                          capture});
    // The real connection's port is known only after the handshake; upstream
    // reports the connection's local side, which this address is.
    run.skeleton.source = {ip_text(local.address), local.port, {}};
    run.skeleton.destination = {ip_text(target.address), target.port, {}};
    return run;
  }
  throw Error(ErrorCode::Unknown, "protocol \"" + params.protocol + "\" is not implemented by this daemon yet");
}

}  // namespace ddtr::engine
