// Everything the user sees of one trace, per the OutputPlan: hop lines on
// stderr or the live table on stdout while it runs, then the final table or
// listing, or the partial one after Ctrl-C. It keeps the table model, so the
// hops learned so far are known whatever the format. The JSON document itself
// is printed by the command (trace_command.cpp), byte for byte as before.
#pragma once

#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "client/live_screen.hpp"
#include "client/output_plan.hpp"
#include "client/styled_text.hpp"
#include "client/trace_table.hpp"
#include "shared/common/trace_params.hpp"
#include "shared/result/results.hpp"

namespace ddtr::client {

class TraceProgress {
 public:
  using SizeProbe = std::function<TerminalSize()>;

  // `out` is stdout, `err` stderr (tests pass memory streams); `size` asks the
  // terminal's size at each redraw, so a resized window is followed.
  TraceProgress(OutputPlan plan, TraceParams params, std::FILE* out, std::FILE* err, SizeProbe size);

  bool live_table() const { return plan_.live == LiveView::Table; }

  void start();  // the live table's first frame: title and header
  void observe(const HopObservation& hop);
  void redraw();

  // The trace succeeded: the final table or listing (table, text) replaces the
  // live frame; for json nothing (the command prints the document).
  void finish(const Results& results);
  // The trace failed (the error follows on stderr): the live frame becomes
  // the whole partial table, or is erased when nothing was learned.
  void abandon();
  // Ctrl-C: what was learned so far, and a note on stderr.
  // `where` the trace ran: "in the daemon", or "in this process" (no-daemon mode).
  void interrupted(std::string_view where = "in the daemon");

  const TraceTable& table() const { return table_; }
  const E2eProgress& e2e() const { return e2e_; }

 private:
  TerminalSize size() const;
  std::vector<StyledLine> partial_frame(int width) const;
  void draw(const std::vector<StyledLine>& lines, int width);
  void print(std::FILE* to, const std::vector<std::string>& lines);

  OutputPlan plan_;
  TraceParams params_;
  std::FILE* out_;
  std::FILE* err_;
  SizeProbe size_;
  TraceTable table_;
  E2eProgress e2e_;
  LiveScreen screen_;
};

// The frames, apart so tests can look at them without a terminal.
std::vector<StyledLine> live_frame(const TraceParams& params, const TraceTable& table, const E2eProgress& e2e,
                                   TerminalSize size);
std::vector<StyledLine> final_frame(const TraceParams& params, const Results& results, const TraceTable& live,
                                    int width);

}  // namespace ddtr::client
