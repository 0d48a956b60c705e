// SourceAddressFinder where a socket per call is kept (macOS, Windows): the
// reuse trick rests on Linux's connect(AF_UNSPEC) semantics, and neither runs
// a thousand traces at once here.
#include "platform/local_address.hpp"

namespace ddtr::platform {

struct SourceAddressFinder::Sockets {};

SourceAddressFinder::SourceAddressFinder() = default;
SourceAddressFinder::~SourceAddressFinder() = default;

Endpoint SourceAddressFinder::local_endpoint_for(const Endpoint& target) {
  return platform::local_endpoint_for(target);
}

}  // namespace ddtr::platform
