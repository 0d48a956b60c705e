// The attacker of the hostile policy suite: a hand-made RPC client that sends
// many trace calls the daemon must refuse, over one connection, a window of
// them in flight at a time, and counts what came back. It never sends a
// packet itself; the daemon refuses every call before probing.
//   refusal_flood SOCKET COUNT TARGET [WINDOW]      TARGET "@BYTES": that many 'a's
// Prints one JSON line: {"sent":N,"answered":N,"codes":{"POLICY_DENIED":N,...},"transport_errors":N,"first_message":"..."}
#include <capnp/rpc-twoparty.h>
#include <kj/async-io.h>
#include <kj/vector.h>

#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "proto/codec.hpp"

namespace {

struct Tally {
  std::uint64_t sent = 0;
  std::uint64_t answered = 0;
  std::uint64_t transport_errors = 0;
  std::map<std::string, std::uint64_t> codes;
  std::string first_message;
};

kj::Promise<void> send_next(ddtr::wire::Tracer::Client& tracer, const ddtr::TraceParams& params, Tally& tally,
                            std::uint64_t count) {
  if (tally.sent >= count) return kj::READY_NOW;
  ++tally.sent;
  auto request = tracer.traceRequest();
  ddtr::proto::write_request(params, request.initRequest());
  return request.send()
      .then(
          [&tally](capnp::Response<ddtr::wire::Tracer::TraceResults>&& response) {
            ++tally.answered;
            auto result = response.getResult();
            if (result.isError()) {
              auto error = result.getError();
              ++tally.codes[std::string(ddtr::error_code_name(ddtr::proto::from_wire(error.getCode())))];
              if (tally.first_message.empty()) tally.first_message = error.getMessage().cStr();
            } else {
              ++tally.codes["OK"];
            }
          },
          [&tally](kj::Exception&& e) {
            ++tally.transport_errors;
            if (tally.first_message.empty()) tally.first_message = e.getDescription().cStr();
          })
      .then([&tracer, &params, &tally, count] { return send_next(tracer, params, tally, count); });
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: refusal_flood SOCKET COUNT TARGET [WINDOW]\n";
    return 2;
  }
  std::string socket = argv[1];
  std::uint64_t count = std::stoull(argv[2]);
  std::string target = argv[3];
  int window = argc > 4 ? std::stoi(argv[4]) : 16;
  ddtr::TraceParams params;
  params.hostname = target.size() > 1 && target[0] == '@' ? std::string(std::stoull(target.substr(1)), 'a') : target;
  params.protocol = "icmp";
  params.traceroute_queries = 1;
  params.e2e_queries = 0;
  params.max_ttl = 8;

  Tally tally;
  try {
    auto io = kj::setupAsyncIo();
    auto address = io.provider->getNetwork().parseAddress(kj::str("unix:", socket.c_str())).wait(io.waitScope);
    auto stream = address->connect().wait(io.waitScope);
    capnp::TwoPartyClient client(*stream);
    auto tracer = client.bootstrap().castAs<ddtr::wire::Tracer>();
    kj::Vector<kj::Promise<void>> lanes;
    for (int i = 0; i < window; ++i) lanes.add(send_next(tracer, params, tally, count));
    kj::joinPromises(lanes.releaseAsArray()).wait(io.waitScope);
  } catch (const kj::Exception& e) {
    ++tally.transport_errors;
    if (tally.first_message.empty()) tally.first_message = e.getDescription().cStr();
  }
  nlohmann::json out = {{"sent", tally.sent},
                        {"answered", tally.answered},
                        {"codes", tally.codes},
                        {"transport_errors", tally.transport_errors},
                        {"first_message", tally.first_message.substr(0, 300)}};
  std::cout << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  return 0;
}
