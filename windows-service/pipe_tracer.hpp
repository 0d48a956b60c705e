// The Tracer capability one pipe connection sees in the Windows daemon. It
// knows its caller from the pipe. `info` answers as on Linux; `trace` answers
// with a typed error until the engine is built for Windows (see README.md:
// its enrichment needs c-ares and OpenSSL, which have no mingw packages).
#pragma once

#include <string>
#include <vector>

#include "daemon/policy/identity.hpp"
#include "proto/traceroute.capnp.h"

namespace ddtr::winservice {

class PipeTracer final : public wire::Tracer::Server {
 public:
  PipeTracer(policy::Identity who, std::vector<std::string> capabilities);
  kj::Promise<void> trace(TraceContext context) override;
  kj::Promise<void> info(InfoContext context) override;

 private:
  policy::Identity who_;
  std::vector<std::string> capabilities_;
};

}  // namespace ddtr::winservice
