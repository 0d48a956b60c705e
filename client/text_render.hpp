// `--format text`: a classic traceroute listing, no escapes, one line per TTL
// (" 2  r2.example (192.0.2.10)  0.101 ms *  0.098 ms"), for reading and for grep.
#pragma once

#include <string>
#include <vector>

#include "client/trace_table.hpp"
#include "shared/common/trace_params.hpp"

namespace ddtr::client {

// The heading and one line per TTL; `destination_ip` may be "" (not known yet).
std::vector<std::string> render_text(const TraceTable& table, const TraceParams& params,
                                     const std::string& destination_ip);

}  // namespace ddtr::client
