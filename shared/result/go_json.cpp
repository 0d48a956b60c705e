// The result document's layout: Go struct field order (= JSON key order),
// nil slices as null, omitempty on reverse_dns, IsDest never written.
#include "shared/result/go_json.hpp"

#include "shared/result/json_writer.hpp"

namespace ddtr {
namespace {

using json_detail::GoJsonWriter;

void write_names(GoJsonWriter& w, const std::vector<std::string>& names) {
  w.begin_array();
  for (const auto& name : names) w.string(name);
  w.end_array();
}

void write_hop(GoJsonWriter& w, const Hop& hop) {
  w.begin_object();
  w.key("ttl");
  w.integer(hop.ttl);
  w.key("ip_address");
  w.string(hop.ip_address);
  w.key("rtt");
  w.float64(hop.rtt_ms);
  w.key("reachable");
  w.boolean(hop.reachable);
  if (!hop.reverse_dns.empty()) {  // `json:"reverse_dns,omitempty"`
    w.key("reverse_dns");
    write_names(w, hop.reverse_dns);
  }
  w.end_object();
}

// TracerouteSource has no reverse_dns field at all; TracerouteDestination has
// it with omitempty.
void write_endpoint(GoJsonWriter& w, const RunEndpoint& endpoint, bool with_reverse_dns) {
  w.begin_object();
  w.key("ip_address");
  w.string(endpoint.ip_address);
  w.key("port");
  w.integer(endpoint.port);
  if (with_reverse_dns && !endpoint.reverse_dns.empty()) {
    w.key("reverse_dns");
    write_names(w, endpoint.reverse_dns);
  }
  w.end_object();
}

void write_run(GoJsonWriter& w, const Run& run) {
  w.begin_object();
  w.key("run_id");
  w.string(run.run_id);
  w.key("source");
  write_endpoint(w, run.source, false);
  w.key("destination");
  write_endpoint(w, run.destination, true);
  w.key("hops");
  w.begin_array();
  for (const Hop& hop : run.hops) write_hop(w, hop);
  w.end_array();
  w.end_object();
}

void write_traceroute(GoJsonWriter& w, const Results& r) {
  w.begin_object();
  w.key("runs");
  if (r.runs) {
    w.begin_array();
    for (const Run& run : *r.runs) write_run(w, run);
    w.end_array();
  } else {
    w.null();  // a nil []TracerouteRun
  }
  w.key("hop_count");
  w.begin_object();
  w.key("avg");
  w.float64(r.hop_count.avg);
  w.key("min");
  w.integer(r.hop_count.min);
  w.key("max");
  w.integer(r.hop_count.max);
  w.end_object();
  w.end_object();
}

void write_e2e(GoJsonWriter& w, const E2eProbe& e2e) {
  w.begin_object();
  w.key("rtts");
  if (e2e.rtts) {
    w.begin_array();
    for (double rtt : *e2e.rtts) w.float64(rtt);
    w.end_array();
  } else {
    w.null();  // a nil []float64
  }
  w.key("packets_sent");
  w.integer(e2e.packets_sent);
  w.key("packets_received");
  w.integer(e2e.packets_received);
  w.key("packet_loss_percentage");
  w.float32(e2e.packet_loss_percentage);  // float32 in Go: its own shortest digits
  w.key("jitter");
  w.float64(e2e.jitter);
  w.key("rtt");
  w.begin_object();
  w.key("avg");
  w.float64(e2e.rtt.avg);
  w.key("min");
  w.float64(e2e.rtt.min);
  w.key("max");
  w.float64(e2e.rtt.max);
  w.end_object();
  w.end_object();
}

}  // namespace

std::string to_go_json(const Results& r, int indent) {
  GoJsonWriter w(indent);
  w.begin_object();
  w.key("test_run_id");
  w.string(r.test_run_id);
  w.key("protocol");
  w.string(r.protocol);
  w.key("source");
  w.begin_object();
  w.key("public_ip");
  w.string(r.source_public_ip);
  w.end_object();
  w.key("destination");
  w.begin_object();
  w.key("hostname");
  w.string(r.destination_hostname);
  w.key("port");
  w.integer(r.destination_port);
  w.end_object();
  w.key("traceroute");
  write_traceroute(w, r);
  w.key("e2e_probe");
  write_e2e(w, r.e2e_probe);
  w.end_object();
  return w.take();
}

}  // namespace ddtr
