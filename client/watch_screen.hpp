// The `--watch` screen: title, the statistics table, a status line (what the
// round loop is doing: tracing, waiting, paused, throttled by the daemon, the
// latest refusal) and the keys, redrawn in place with the live table's
// LiveScreen. When the watch ends, the final table replaces the frame.
#pragma once

#include <chrono>
#include <cstdio>
#include <functional>
#include <vector>

#include "client/hop_stats.hpp"
#include "client/live_screen.hpp"
#include "client/output_plan.hpp"
#include "client/styled_text.hpp"
#include "client/watch_loop.hpp"
#include "shared/common/trace_params.hpp"

namespace ddtr::client {

struct WatchView {
  bool names = true;  // `n` toggles the rDNS column
  bool keys = true;   // the keys line (no keys on a terminal that cannot send them)
};

// One frame, apart so tests can read it without a terminal.
std::vector<StyledLine> watch_frame(const TraceParams& params, std::chrono::milliseconds interval,
                                    const WatchStats& stats, const WatchStatus& status, const WatchView& view,
                                    TerminalSize size);

class WatchScreen {
 public:
  using SizeProbe = std::function<TerminalSize()>;
  WatchScreen(TraceParams params, std::chrono::milliseconds interval, bool color, std::FILE* out, SizeProbe size);

  void draw(const WatchStats& stats, const WatchStatus& status, const WatchView& view);
  // The final table, all rows, in place of the last frame.
  void finish(const WatchStats& stats, const WatchView& view);

 private:
  TerminalSize size() const;
  void show(const std::vector<StyledLine>& lines, int width);

  TraceParams params_;
  std::chrono::milliseconds interval_;
  bool color_;
  std::FILE* out_;
  SizeProbe size_;
  LiveScreen screen_;
};

}  // namespace ddtr::client
