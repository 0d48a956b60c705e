// The hop table as lines of text: column layout within a terminal width, a
// title, and the e2e lines. Pure functions of the model, so they are tested
// on hand-made tables and fake widths.
#pragma once

#include <string>
#include <vector>

#include "client/styled_text.hpp"
#include "client/trace_table.hpp"
#include "shared/common/trace_params.hpp"
#include "shared/result/results.hpp"

namespace ddtr::client {

struct TableOptions {
  int width = 0;     // terminal columns; 0: no limit
  int max_rows = 0;  // hop rows shown (live view on a short terminal); 0: all
};

// Header + one line per row. Columns: TTL, Address, rDNS (only when a row has
// a name), one RTT column per run, Loss%. When the run columns do not fit the
// width even with names shortened, they give way to Avg/Best/Wrst.
std::vector<StyledLine> render_table(const TraceTable& table, const TableOptions& options);

// "0.071", "12.35", "123.4", "1234": about five characters at any scale.
std::string format_rtt(double ms);

// "datadog-traceroute to 203.0.113.5 (203.0.113.5): icmp, 3 runs, max 30 hops, RTT in ms"
StyledLine title_line(const TraceParams& params, const std::string& destination_ip, int runs);

// "e2e probes: 12/50 done, 11 received, last 0.412 ms"; empty when -Q 0.
StyledLine e2e_progress_line(const E2eProgress& progress);

// "e2e probes: 50 sent, 49 received, 2% loss, rtt min/avg/max 0.071/0.080/0.120 ms, jitter 0.004 ms";
// empty when nothing was sent.
std::string e2e_summary(const E2eProbe& e2e);

}  // namespace ddtr::client
