// Seeds for the request target: trace requests as the client serializes them
// (flat, unpacked Cap'n Proto messages), valid and invalid.
#include <capnp/message.h>
#include <capnp/serialize.h>

#include "proto/codec.hpp"
#include "tests/fuzz/corpus_gen/seeds.hpp"

namespace ddtr::fuzz {
namespace {

Seed request(std::string name, const TraceParams& params) {
  capnp::MallocMessageBuilder builder;
  proto::write_request(params, builder.initRoot<wire::TraceRequest>());
  auto words = capnp::messageToFlatArray(builder);
  auto bytes = words.asBytes();
  return {std::move(name), std::vector<std::uint8_t>(bytes.begin(), bytes.end())};
}

}  // namespace

TargetSeeds request_seeds() {
  TraceParams udp;
  udp.hostname = "203.0.113.5";
  TraceParams sack;
  sack.hostname = "[2001:db8::1]:443";
  sack.protocol = "tcp";
  sack.tcp_method = "sack";
  sack.want_v6 = true;
  TraceParams icmp;
  icmp.hostname = "example.com";
  icmp.protocol = "icmp";
  icmp.reverse_dns = true;
  icmp.traceroute_queries = 1;
  icmp.e2e_queries = 10;
  TraceParams bad_protocol = udp;
  bad_protocol.protocol = "sctp";
  TraceParams bad_ttls = udp;
  bad_ttls.min_ttl = 40;
  bad_ttls.max_ttl = 300;
  TraceParams bad_port = udp;
  bad_port.hostname = "203.0.113.5:99999";
  return {"request",
          {request("udp", udp), request("tcp-sack-v6", sack), request("icmp-host", icmp),
           request("bad-protocol", bad_protocol), request("bad-ttls", bad_ttls), request("bad-port", bad_port)}};
}

}  // namespace ddtr::fuzz
