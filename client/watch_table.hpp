// The statistics of `--watch` / `--report-cycles` as table lines, mtr's
// columns: TTL, Address, rDNS (when shown and known), Loss%, Snt, Rcv, Last,
// Avg, Best, Wrst, StDev. One row per address at a TTL (ECMP); the TTL's
// Loss% and Snt are on its first row. Shared by the screen and the report.
#pragma once

#include <vector>

#include "client/hop_stats.hpp"
#include "client/styled_text.hpp"

namespace ddtr::client {

struct WatchTableOptions {
  int width = 0;       // terminal columns; 0: no limit
  int max_rows = 0;    // rows shown below the header; 0: all
  bool names = true;   // the rDNS column, when any name is known (`n` toggles it)
};

std::vector<StyledLine> render_watch_table(const WatchStats& stats, const WatchTableOptions& options);

}  // namespace ddtr::client
