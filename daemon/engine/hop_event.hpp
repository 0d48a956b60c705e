// What the engine tells the caller while a trace runs: one hop, as learned.
#pragma once

#include <cstdint>
#include <string>

namespace ddtr::engine {

struct HopEvent {
  enum class Kind { TracerouteRun, E2eProbe };
  Kind kind = Kind::TracerouteRun;
  std::uint32_t index = 0;  // run or e2e probe, in launch order from 0
  int ttl = 0;
  std::string ip_address;  // "" when unanswered
  double rtt_ms = 0;
  bool is_dest = false;
};

}  // namespace ddtr::engine
