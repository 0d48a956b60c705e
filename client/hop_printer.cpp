#include "client/hop_printer.hpp"

#include <cstdio>

#include "client/styled_text.hpp"

namespace ddtr::client {

std::string hop_line(const HopObservation& hop) {
  char buffer[160];
  const std::string address = sanitize(hop.address.empty() ? "*" : hop.address);
  if (hop.kind == HopObservation::Kind::E2e) {
    if (hop.is_destination) {
      std::snprintf(buffer, sizeof buffer, "e2e probe %3u  %-39s %9.3f ms\n", hop.index + 1, address.c_str(),
                    hop.rtt_ms);
    } else {
      std::snprintf(buffer, sizeof buffer, "e2e probe %3u  lost\n", hop.index + 1);
    }
  } else if (!hop.address.empty()) {
    std::snprintf(buffer, sizeof buffer, "run %u  ttl %3d  %-39s %9.3f ms%s\n", hop.index + 1, hop.ttl,
                  address.c_str(), hop.rtt_ms, hop.is_destination ? "  (destination)" : "");
  } else {
    std::snprintf(buffer, sizeof buffer, "run %u  ttl %3d  *\n", hop.index + 1, hop.ttl);
  }
  return buffer;
}

}  // namespace ddtr::client
