// One plain line per hop, as the json and text formats print them on stderr
// while a trace runs (when stderr is a terminal, or with -v).
#pragma once

#include <string>

#include "client/trace_table.hpp"

namespace ddtr::client {

// "run 1  ttl   2  192.0.2.10    0.101 ms", "run 1  ttl   3  *",
// "e2e probe   4  203.0.113.5    0.301 ms", "e2e probe   5  lost"; with a newline.
std::string hop_line(const HopObservation& hop);

}  // namespace ddtr::client
