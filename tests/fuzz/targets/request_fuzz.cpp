// What the daemon does with a trace request from any client, before it sends a
// probe: read the Cap'n Proto message (bounded by reader limits), convert it
// with proto::read_request, check it with engine::validate_request, then split
// and check the target the way the resolver does before any DNS. Bad input may
// throw kj::Exception (malformed message) or ddtr::Error (invalid request),
// nothing else, and never crash. A request that reads fine must survive
// write_request/read_request unchanged.
#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/array.h>

#include <cstring>

#include "daemon/engine/target_resolver.hpp"
#include "daemon/engine/trace_job.hpp"
#include "proto/codec.hpp"
#include "shared/common/embedded_ipv4.hpp"
#include "shared/common/target_length.hpp"
#include "tests/fuzz/support/check.hpp"

using namespace ddtr;

namespace {

// Far below the RPC defaults (8 Mi words, depth 64): enough for any real
// request, and it keeps amplified pointer structures from making one input slow.
capnp::ReaderOptions reader_limits() {
  capnp::ReaderOptions options;
  options.traversalLimitInWords = 64 * 1024;
  options.nestingLimit = 16;
  return options;
}

void check_round_trip(const TraceParams& params) {
  capnp::MallocMessageBuilder builder;
  proto::write_request(params, builder.initRoot<wire::TraceRequest>());
  FUZZ_CHECK(proto::read_request(builder.getRoot<wire::TraceRequest>().asReader()) == params);
}

void check_request(kj::ArrayPtr<const capnp::word> words) {
  capnp::FlatArrayMessageReader reader(words, reader_limits());
  TraceParams params = proto::read_request(reader.getRoot<wire::TraceRequest>());
  check_round_trip(params);
  // The gateway's first look: a target it lets through is at most kMaxTargetBytes.
  if (!target_length_problem(params.hostname)) FUZZ_CHECK(params.hostname.size() <= kMaxTargetBytes);
  engine::validate_request(params);
  // What the probes and the C resolver rely on once a request is accepted.
  // ICMP has no port: as Go, its request's port is not checked (nor used).
  FUZZ_CHECK(is_known_protocol(params.protocol));
  FUZZ_CHECK(params.protocol == "icmp" || (params.port >= 0 && params.port <= 65535));
  FUZZ_CHECK(params.hostname.find('\0') == std::string::npos);
  // As TraceJob: port 0 means the default, and ICMP splits the target with port 80.
  int port = params.port == 0 ? defaults::kPort : params.port;
  auto spec = engine::split_target(params.hostname, params.protocol == "icmp" ? 80 : port);
  boost::system::error_code not_literal;
  IpAddress literal = boost::asio::ip::make_address(spec.host, not_literal);
  // The destination rules read every IPv4 address an IPv6 literal carries.
  if (!not_literal && literal.is_v6()) FUZZ_CHECK(embedded_ipv4(literal.to_v6()).size() <= 2);
  engine::parse_target_port(spec.port_text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Messages are read in place as whole, aligned words: copy into such a buffer.
  auto words = kj::heapArray<capnp::word>(size / sizeof(capnp::word));
  std::memcpy(words.begin(), data, words.size() * sizeof(capnp::word));
  try {
    check_request(words);
  } catch (const kj::Exception&) {
  } catch (const Error&) {
  }
  return 0;
}
