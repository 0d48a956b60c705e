// trace-target SOCKET LENGTH: one trace call whose target is a host name of
// LENGTH bytes ("a.a.a..."), as a normal client sends it. Prints the answer:
// "code: CODE" and "message: ..." (the message cut at 200 bytes), or
// "exception: ..." when the call failed instead.
#include <capnp/rpc-twoparty.h>
#include <kj/async-io.h>

#include <cstdio>
#include <string>

#include "proto/codec.hpp"
#include "proto/traceroute.capnp.h"
#include "shared/common/error.hpp"
#include "tests/hostile/attacks.hpp"
#include "tests/hostile/raw_rpc.hpp"

namespace ddtr::hostile {

int trace_target(const Args& args) {
  if (args.size() < 2) throw std::runtime_error("usage: trace-target SOCKET LENGTH");
  const std::size_t length = std::stoul(args[1]);
  std::string target;
  target.reserve(length);
  while (target.size() < length) target += target.size() % 2 == 0 ? 'a' : '.';
  if (!target.empty() && target.back() == '.') target.back() = 'a';

  auto io = kj::setupAsyncIo();
  auto stream = io.lowLevelProvider->wrapSocketFd(connect_unix(args[0]), kj::LowLevelAsyncIoProvider::TAKE_OWNERSHIP);
  capnp::TwoPartyClient client(*stream);
  auto tracer = client.bootstrap().castAs<wire::Tracer>();
  auto request = tracer.traceRequest();
  auto wire_request = request.initRequest();
  wire_request.setHostname(capnp::Text::Reader(target.data(), target.size()));
  wire_request.setProtocol("icmp");
  wire_request.setTracerouteQueries(1);
  wire_request.setE2eQueries(0);
  wire_request.setMaxTtl(2);
  try {
    auto response = request.send().wait(io.waitScope);
    auto result = response.getResult();
    if (result.isError()) {
      auto error = result.getError();
      std::string message = error.getMessage().cStr();
      std::string code(error_code_name(proto::from_wire(error.getCode())));
      std::printf("code: %s\nmessage: %s\n", code.c_str(), message.substr(0, 200).c_str());
    } else {
      std::printf("code: ok\n");
    }
  } catch (const kj::Exception& e) {
    std::string what = e.getDescription().cStr();
    std::printf("exception: %s\n", what.substr(0, 300).c_str());
  }
  return 0;
}

}  // namespace ddtr::hostile
