#include "client/trace_progress.hpp"

#include <algorithm>

#include "client/hop_printer.hpp"
#include "client/table_render.hpp"
#include "client/text_render.hpp"

namespace ddtr::client {
namespace {

// A terminal that reports no size (some ptys say 0x0) gets the classic one.
constexpr TerminalSize kFallbackSize{80, 24};
// Lines of a live frame besides the hop rows: title, header, e2e, and one
// free line so the frame never scrolls the terminal by itself.
constexpr int kFrameOverhead = 4;

std::string destination_of(const Results& results) {
  if (!results.runs) return "";
  for (const Run& run : *results.runs) {
    if (!run.destination.ip_address.empty()) return run.destination.ip_address;
  }
  return "";
}

std::vector<std::string> plain(const std::vector<StyledLine>& lines) {
  std::vector<std::string> out;
  for (const auto& line : lines) out.push_back(to_text(line, false, 0));
  return out;
}

}  // namespace

std::vector<StyledLine> live_frame(const TraceParams& params, const TraceTable& table, const E2eProgress& e2e,
                                   TerminalSize size) {
  std::vector<StyledLine> lines;
  lines.push_back(title_line(params, "", std::max(table.runs(), params.traceroute_queries)));
  TableOptions options{size.columns, std::max(size.rows - kFrameOverhead, 1)};
  for (auto& line : render_table(table, options)) lines.push_back(std::move(line));
  if (auto progress = e2e_progress_line(e2e); !progress.empty()) lines.push_back(std::move(progress));
  return lines;
}

std::vector<StyledLine> final_frame(const TraceParams& params, const Results& results, const TraceTable& live,
                                    int width) {
  TraceTable table = TraceTable::from_results(results, live);
  std::vector<StyledLine> lines;
  lines.push_back(title_line(params, destination_of(results), table.runs()));
  for (auto& line : render_table(table, TableOptions{width, 0})) lines.push_back(std::move(line));
  if (auto summary = e2e_summary(results.e2e_probe); !summary.empty()) {
    lines.push_back(StyledLine{Span{summary, Style::Note}});
  }
  return lines;
}

TraceProgress::TraceProgress(OutputPlan plan, TraceParams params, std::FILE* out, std::FILE* err, SizeProbe size)
    : plan_(plan),
      params_(std::move(params)),
      out_(out),
      err_(err),
      size_(std::move(size)),
      table_(params_.traceroute_queries) {
  e2e_.total = params_.e2e_queries;
}

TerminalSize TraceProgress::size() const {
  TerminalSize s = size_ ? size_() : TerminalSize{};
  if (s.columns <= 0) s.columns = kFallbackSize.columns;
  if (s.rows <= 0) s.rows = kFallbackSize.rows;
  return s;
}

void TraceProgress::start() {
  if (live_table()) redraw();
}

void TraceProgress::observe(const HopObservation& hop) {
  table_.observe(hop);
  e2e_.observe(hop);
  if (plan_.live == LiveView::HopLines) {
    std::fputs(hop_line(hop).c_str(), err_);
    std::fflush(err_);
  }
}

void TraceProgress::redraw() {
  if (!live_table()) return;
  TerminalSize s = size();
  draw(live_frame(params_, table_, e2e_, s), s.columns);
}

void TraceProgress::draw(const std::vector<StyledLine>& lines, int width) {
  std::vector<std::string> text;
  for (const auto& line : lines) text.push_back(to_text(line, plan_.color, width));
  std::fputs(screen_.redraw(text).c_str(), out_);
  std::fflush(out_);
}

void TraceProgress::print(std::FILE* to, const std::vector<std::string>& lines) {
  for (const auto& line : lines) {
    std::fputs(line.c_str(), to);
    std::fputc('\n', to);
  }
  std::fflush(to);
}

void TraceProgress::finish(const Results& results) {
  switch (plan_.format) {
    case OutputFormat::Table:
      if (live_table()) {
        draw(final_frame(params_, results, table_, size().columns), size().columns);
      } else {
        print(out_, plain(final_frame(params_, results, table_, 0)));
      }
      break;
    case OutputFormat::Text: {
      auto lines = render_text(TraceTable::from_results(results, table_), params_, destination_of(results));
      if (auto summary = e2e_summary(results.e2e_probe); !summary.empty()) lines.push_back(summary);
      print(out_, lines);
      break;
    }
    case OutputFormat::Json:
    case OutputFormat::Jsonl:  // (only with --watch, which does not come here)
      break;  // the command prints the document; nothing was drawn
  }
}

std::vector<StyledLine> TraceProgress::partial_frame(int width) const {
  // The whole table, not only the rows that fit the screen.
  std::vector<StyledLine> lines;
  lines.push_back(title_line(params_, "", table_.runs()));
  for (auto& line : render_table(table_, TableOptions{width, 0})) lines.push_back(std::move(line));
  if (auto progress = e2e_progress_line(e2e_); !progress.empty()) lines.push_back(std::move(progress));
  return lines;
}

void TraceProgress::abandon() {
  if (!live_table() || screen_.lines_shown() == 0) return;
  if (table_.last_ttl() == 0 && e2e_.done == 0) {
    draw({}, 0);  // nothing learned: only the error remains
  } else {
    draw(partial_frame(size().columns), size().columns);  // what was learned stays above the error
  }
}

void TraceProgress::interrupted(std::string_view where) {
  const std::string cancelled = "Interrupted: the trace was cancelled " + std::string(where);
  std::vector<std::string> listing = render_text(table_, params_, "");
  if (auto progress = e2e_progress_line(e2e_); !progress.empty()) listing.push_back(to_text(progress, false, 0));
  switch (plan_.format) {
    case OutputFormat::Table: {
      if (live_table()) {
        draw(partial_frame(size().columns), size().columns);
      } else {
        print(out_, plain(partial_frame(0)));
      }
      print(err_, {cancelled + "; the table shows the hops learned so far."});
      break;
    }
    case OutputFormat::Text:
      print(out_, listing);
      print(err_, {cancelled + "; the listing shows the hops learned so far."});
      break;
    case OutputFormat::Json:
    case OutputFormat::Jsonl:
      listing.insert(listing.begin(),
                     cancelled + "; no JSON document was printed. Hops learned so far:");
      print(err_, listing);
      break;
  }
}

}  // namespace ddtr::client
