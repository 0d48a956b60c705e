#include "daemon/engine/probe_factory.hpp"

#include <random>

#include "daemon/probes/icmp/icmp_probe.hpp"
#include "daemon/probes/tcp/tcp_syn_probe.hpp"
#include "daemon/probes/udp/udp_probe.hpp"
#include "platform/local_address.hpp"

namespace ddtr::engine {
namespace {

PreparedRun prepare_icmp(const TraceParams& params, const Endpoint& target, int min_ttl, IdAllocator& ids) {
  // As upstream: the source is the local side of a UDP dial to target:80 (its
  // port is reported, meaningless), the destination port is 0.
  Endpoint local = platform::local_endpoint_for(Endpoint{target.address, 80});
  auto lease = ids.lease();
  if (!lease) throw Error(ErrorCode::Unknown, "no free ICMP echo identifier: too many traces at once");
  PreparedRun run;
  run.strategy = std::make_unique<probes::IcmpProbe>(
      probes::IcmpProbeConfig{local.address, target.address, lease->id(), min_ttl, params.max_ttl});
  run.skeleton.source = {ip_text(local.address), local.port, {}};
  run.skeleton.destination = {ip_text(target.address), 0, {}};
  run.identities = std::make_shared<IdLease>(std::move(*lease));
  return run;
}

PreparedRun prepare_udp(const TraceParams& params, const Endpoint& target, int min_ttl) {
  std::shared_ptr<platform::PortReservation> reservation = platform::reserve_udp_port(target);
  Endpoint local = reservation->local();
  PreparedRun run;
  run.strategy = std::make_unique<probes::UdpProbe>(probes::UdpProbeConfig{local, target, min_ttl, params.max_ttl});
  run.skeleton.source = {ip_text(local.address), local.port, {}};
  run.skeleton.destination = {ip_text(target.address), target.port, {}};
  run.identities = reservation;
  return run;
}

PreparedRun prepare_tcp_syn(const TraceParams& params, const Endpoint& target, int min_ttl) {
  // As upstream: the local address of a UDP dial, then a port held for the run.
  Endpoint dial = platform::local_endpoint_for(target);
  std::shared_ptr<platform::PortReservation> reservation = platform::reserve_tcp_port(dial.address);
  Endpoint local = reservation->local();
  std::random_device random;
  std::uint32_t seq_base = random();
  auto ip_id_base = static_cast<std::uint16_t>(random());
  PreparedRun run;
  run.strategy = std::make_unique<probes::TcpSynProbe>(
      probes::TcpSynProbeConfig{local, target, seq_base, ip_id_base, min_ttl, params.max_ttl});
  run.skeleton.source = {ip_text(local.address), local.port, {}};
  run.skeleton.destination = {ip_text(target.address), target.port, {}};
  run.identities = reservation;
  return run;
}

}  // namespace

PreparedRun prepare_run(const TraceParams& params, const Endpoint& target, int min_ttl, IdAllocator& ids) {
  if (params.protocol == "icmp") return prepare_icmp(params, target, min_ttl, ids);
  if (params.protocol == "udp") return prepare_udp(params, target, min_ttl);
  if (params.protocol == "tcp" && (params.tcp_method == "syn" || params.tcp_method.empty())) {
    return prepare_tcp_syn(params, target, min_ttl);
  }
  throw Error(ErrorCode::Unknown, "protocol \"" + params.protocol + "\" is not implemented by this daemon yet");
}

}  // namespace ddtr::engine
