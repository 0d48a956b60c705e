// The final report of `--watch` / `--report-cycles`: the table as plain lines
// (`mtr --report`'s), or one JSON document of the per-hop statistics
// (`--format json`; field names in docs/client.md, snake_case as the Go document).
#pragma once

#include <string>
#include <vector>

#include "client/hop_stats.hpp"
#include "client/styled_text.hpp"
#include "shared/common/trace_params.hpp"

namespace ddtr::client {

// "datadog-traceroute to 203.0.113.5 (203.0.113.5): icmp, 10 rounds of 3 runs, RTT in ms"
StyledLine watch_title(const TraceParams& params, const WatchStats& stats);

// Title, then the table; `names`: the rDNS column when names are known.
std::vector<std::string> report_lines(const TraceParams& params, const WatchStats& stats, bool names);

// The JSON document, 2-space indented, no trailing newline.
std::string report_json(const TraceParams& params, const WatchStats& stats);

}  // namespace ddtr::client
