// The client's HopListener: prints each hop to stderr as the daemon learns it,
// when stderr is a terminal (stdout stays pure JSON).
#pragma once

#include <cstdio>

#include "proto/traceroute.capnp.h"

namespace ddtr::client {

class HopPrinter final : public wire::HopListener::Server {
 public:
  explicit HopPrinter(std::FILE* out) : out_(out) {}
  kj::Promise<void> onHop(OnHopContext context) override;

 private:
  std::FILE* out_;  // nullptr: stay silent
};

}  // namespace ddtr::client
