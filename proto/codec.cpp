#include "proto/codec.hpp"

namespace ddtr::proto {
namespace {

std::string text(capnp::Text::Reader t) { return std::string(t.cStr(), t.size()); }

// With its length: KJ's implicit conversion from std::string goes through
// c_str() and would cut a string at its first NUL, so a request with an
// embedded NUL would not arrive as it was sent (found by fuzz_request).
capnp::Text::Reader wire_text(const std::string& s) { return capnp::Text::Reader(s.data(), s.size()); }

void write_names(const std::vector<std::string>& names, wire::Endpoint::Builder out) {
  auto list = out.initReverseDns(static_cast<unsigned>(names.size()));
  for (unsigned i = 0; i < names.size(); ++i) list.set(i, wire_text(names[i]));
}

std::vector<std::string> read_names(capnp::List<capnp::Text>::Reader list) {
  std::vector<std::string> names;
  for (auto name : list) names.push_back(text(name));
  return names;
}

void write_endpoint(const RunEndpoint& endpoint, wire::Endpoint::Builder out) {
  out.setIpAddress(wire_text(endpoint.ip_address));
  out.setPort(endpoint.port);
  if (!endpoint.reverse_dns.empty()) write_names(endpoint.reverse_dns, out);
}

RunEndpoint read_endpoint(wire::Endpoint::Reader in) {
  return RunEndpoint{text(in.getIpAddress()), in.getPort(), read_names(in.getReverseDns())};
}

}  // namespace

void write_request(const TraceParams& p, wire::TraceRequest::Builder out) {
  out.setHostname(wire_text(p.hostname));
  out.setPort(p.port);
  out.setProtocol(wire_text(p.protocol));
  out.setMinTtl(p.min_ttl);
  out.setMaxTtl(p.max_ttl);
  out.setDelayMs(p.delay_ms);
  out.setTimeoutMs(p.timeout_ms);
  out.setTcpMethod(wire_text(p.tcp_method));
  out.setWantV6(p.want_v6);
  out.setTcpSynParisTracerouteMode(p.tcp_syn_paris_traceroute_mode);
  out.setReverseDns(p.reverse_dns);
  out.setCollectSourcePublicIp(p.collect_source_public_ip);
  out.setTracerouteQueries(p.traceroute_queries);
  out.setE2eQueries(p.e2e_queries);
  out.setUseWindowsDriver(p.use_windows_driver);
  out.setSkipPrivateHops(p.skip_private_hops);
}

TraceParams read_request(wire::TraceRequest::Reader in) {
  TraceParams p;
  p.hostname = text(in.getHostname());
  p.port = in.getPort();
  p.protocol = text(in.getProtocol());
  p.min_ttl = in.getMinTtl();
  p.max_ttl = in.getMaxTtl();
  p.delay_ms = in.getDelayMs();
  p.timeout_ms = in.getTimeoutMs();
  p.tcp_method = text(in.getTcpMethod());
  p.want_v6 = in.getWantV6();
  p.tcp_syn_paris_traceroute_mode = in.getTcpSynParisTracerouteMode();
  p.reverse_dns = in.getReverseDns();
  p.collect_source_public_ip = in.getCollectSourcePublicIp();
  p.traceroute_queries = in.getTracerouteQueries();
  p.e2e_queries = in.getE2eQueries();
  p.use_windows_driver = in.getUseWindowsDriver();
  p.skip_private_hops = in.getSkipPrivateHops();
  return p;
}

void write_results(const Results& r, wire::Results::Builder out) {
  out.setTestRunId(wire_text(r.test_run_id));
  out.setProtocol(wire_text(r.protocol));
  out.setSourcePublicIp(wire_text(r.source_public_ip));
  out.setDestinationHostname(wire_text(r.destination_hostname));
  out.setDestinationPort(r.destination_port);
  out.setHasRuns(r.runs.has_value());
  if (r.runs) {
    auto runs = out.initRuns(static_cast<unsigned>(r.runs->size()));
    for (unsigned i = 0; i < r.runs->size(); ++i) {
      const Run& run = (*r.runs)[i];
      auto w = runs[i];
      w.setRunId(wire_text(run.run_id));
      write_endpoint(run.source, w.initSource());
      write_endpoint(run.destination, w.initDestination());
      auto hops = w.initHops(static_cast<unsigned>(run.hops.size()));
      for (unsigned j = 0; j < run.hops.size(); ++j) {
        const Hop& hop = run.hops[j];
        auto h = hops[j];
        h.setTtl(hop.ttl);
        h.setIpAddress(wire_text(hop.ip_address));
        h.setRttMs(hop.rtt_ms);
        h.setReachable(hop.reachable);
        h.setIsDestination(hop.is_dest);
        if (!hop.reverse_dns.empty()) {
          auto names = h.initReverseDns(static_cast<unsigned>(hop.reverse_dns.size()));
          for (unsigned k = 0; k < hop.reverse_dns.size(); ++k) names.set(k, wire_text(hop.reverse_dns[k]));
        }
      }
    }
  }
  auto count = out.initHopCount();
  count.setAvg(r.hop_count.avg);
  count.setMin(r.hop_count.min);
  count.setMax(r.hop_count.max);
  auto e2e = out.initE2eProbe();
  e2e.setHasRtts(r.e2e_probe.rtts.has_value());
  if (r.e2e_probe.rtts) {
    auto rtts = e2e.initRtts(static_cast<unsigned>(r.e2e_probe.rtts->size()));
    for (unsigned i = 0; i < r.e2e_probe.rtts->size(); ++i) rtts.set(i, (*r.e2e_probe.rtts)[i]);
  }
  e2e.setPacketsSent(r.e2e_probe.packets_sent);
  e2e.setPacketsReceived(r.e2e_probe.packets_received);
  e2e.setPacketLossPercentage(r.e2e_probe.packet_loss_percentage);
  e2e.setJitter(r.e2e_probe.jitter);
  auto rtt = e2e.initRtt();
  rtt.setAvg(r.e2e_probe.rtt.avg);
  rtt.setMin(r.e2e_probe.rtt.min);
  rtt.setMax(r.e2e_probe.rtt.max);
}

Results read_results(wire::Results::Reader in) {
  Results r;
  r.test_run_id = text(in.getTestRunId());
  r.protocol = text(in.getProtocol());
  r.source_public_ip = text(in.getSourcePublicIp());
  r.destination_hostname = text(in.getDestinationHostname());
  r.destination_port = in.getDestinationPort();
  if (in.getHasRuns()) {
    r.runs.emplace();
    for (auto run : in.getRuns()) {
      Run out;
      out.run_id = text(run.getRunId());
      out.source = read_endpoint(run.getSource());
      out.source.reverse_dns.clear();  // never serialized for the source
      out.destination = read_endpoint(run.getDestination());
      for (auto hop : run.getHops()) {
        Hop h;
        h.ttl = hop.getTtl();
        h.ip_address = text(hop.getIpAddress());
        h.rtt_ms = hop.getRttMs();
        h.reachable = hop.getReachable();
        h.is_dest = hop.getIsDestination();
        h.reverse_dns = read_names(hop.getReverseDns());
        out.hops.push_back(std::move(h));
      }
      r.runs->push_back(std::move(out));
    }
  }
  auto count = in.getHopCount();
  r.hop_count = {count.getAvg(), count.getMin(), count.getMax()};
  auto e2e = in.getE2eProbe();
  if (e2e.getHasRtts()) {
    r.e2e_probe.rtts.emplace();
    for (double v : e2e.getRtts()) r.e2e_probe.rtts->push_back(v);
  }
  r.e2e_probe.packets_sent = e2e.getPacketsSent();
  r.e2e_probe.packets_received = e2e.getPacketsReceived();
  r.e2e_probe.packet_loss_percentage = e2e.getPacketLossPercentage();
  r.e2e_probe.jitter = e2e.getJitter();
  auto rtt = e2e.getRtt();
  r.e2e_probe.rtt = {rtt.getAvg(), rtt.getMin(), rtt.getMax()};
  return r;
}

wire::ErrorCode to_wire(ErrorCode code) {
  switch (code) {
    case ErrorCode::Unknown: return wire::ErrorCode::UNKNOWN;
    case ErrorCode::Dns: return wire::ErrorCode::DNS;
    case ErrorCode::Timeout: return wire::ErrorCode::TIMEOUT;
    case ErrorCode::ConnRefused: return wire::ErrorCode::CONN_REFUSED;
    case ErrorCode::HostUnreach: return wire::ErrorCode::HOST_UNREACH;
    case ErrorCode::NetUnreach: return wire::ErrorCode::NET_UNREACH;
    case ErrorCode::Denied: return wire::ErrorCode::DENIED;
    case ErrorCode::InvalidRequest: return wire::ErrorCode::INVALID_REQUEST;
    case ErrorCode::FailedEncoding: return wire::ErrorCode::FAILED_ENCODING;
    case ErrorCode::Unauthorized: return wire::ErrorCode::UNAUTHORIZED;
    case ErrorCode::QuotaExceeded: return wire::ErrorCode::QUOTA_EXCEEDED;
    case ErrorCode::PolicyDenied: return wire::ErrorCode::POLICY_DENIED;
    case ErrorCode::DaemonUnavailable: return wire::ErrorCode::DAEMON_UNAVAILABLE;
  }
  return wire::ErrorCode::UNKNOWN;
}

ErrorCode from_wire(wire::ErrorCode code) {
  switch (code) {
    case wire::ErrorCode::UNKNOWN: return ErrorCode::Unknown;
    case wire::ErrorCode::DNS: return ErrorCode::Dns;
    case wire::ErrorCode::TIMEOUT: return ErrorCode::Timeout;
    case wire::ErrorCode::CONN_REFUSED: return ErrorCode::ConnRefused;
    case wire::ErrorCode::HOST_UNREACH: return ErrorCode::HostUnreach;
    case wire::ErrorCode::NET_UNREACH: return ErrorCode::NetUnreach;
    case wire::ErrorCode::DENIED: return ErrorCode::Denied;
    case wire::ErrorCode::INVALID_REQUEST: return ErrorCode::InvalidRequest;
    case wire::ErrorCode::FAILED_ENCODING: return ErrorCode::FailedEncoding;
    case wire::ErrorCode::UNAUTHORIZED: return ErrorCode::Unauthorized;
    case wire::ErrorCode::QUOTA_EXCEEDED: return ErrorCode::QuotaExceeded;
    case wire::ErrorCode::POLICY_DENIED: return ErrorCode::PolicyDenied;
    case wire::ErrorCode::DAEMON_UNAVAILABLE: return ErrorCode::DaemonUnavailable;
  }
  return ErrorCode::Unknown;  // a newer peer's code this build does not know
}

}  // namespace ddtr::proto
