#include "client/watch_screen.hpp"

#include <algorithm>
#include <cstdio>

#include "client/watch_report.hpp"
#include "client/watch_table.hpp"

namespace ddtr::client {
namespace {

constexpr TerminalSize kFallbackSize{80, 24};
// Lines besides the rows: title, header, status, refusal, keys, and one free
// line so the frame never scrolls the terminal by itself.
constexpr int kFrameOverhead = 6;

std::string format_seconds(double s) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f s", s);
  return buffer;
}

std::string interval_text(std::chrono::milliseconds interval) {
  if (interval.count() % 1000 == 0) return std::to_string(interval.count() / 1000) + "s";
  return std::to_string(interval.count()) + "ms";
}

StyledLine status_line(const WatchStatus& status, std::chrono::milliseconds interval) {
  std::string text = "round " + std::to_string(status.round) + ": ";
  Style style = Style::Note;
  switch (status.phase) {
    case WatchStatus::Phase::Tracing: text += "tracing"; break;
    case WatchStatus::Phase::Waiting: text += "done, a round every " + interval_text(interval); break;
    case WatchStatus::Phase::Paused: text = "paused (p resumes)"; style = Style::Loss; break;
    case WatchStatus::Phase::Throttled:
      text += "throttled by the daemon's rate limit, waiting " + format_seconds(status.throttled_wait_s) +
              " for the next token";
      style = Style::Loss;
      break;
    case WatchStatus::Phase::Done: text += "finished"; break;
  }
  return StyledLine{Span{std::move(text), style}};
}

}  // namespace

std::vector<StyledLine> watch_frame(const TraceParams& params, std::chrono::milliseconds interval,
                                    const WatchStats& stats, const WatchStatus& status, const WatchView& view,
                                    TerminalSize size) {
  std::vector<StyledLine> lines{watch_title(params, stats)};
  WatchTableOptions options{size.columns, std::max(size.rows - kFrameOverhead, 1), view.names};
  for (auto& line : render_watch_table(stats, options)) lines.push_back(std::move(line));
  lines.push_back(status_line(status, interval));
  if (!status.last_refusal.empty()) {
    lines.push_back(StyledLine{Span{"last refusal: " + sanitize(status.last_refusal), Style::NoAnswer}});
  }
  if (view.keys) {
    lines.push_back(StyledLine{Span{"Keys: q quit  p pause/resume  r reset  n names on/off", Style::Note}});
  }
  return lines;
}

WatchScreen::WatchScreen(TraceParams params, std::chrono::milliseconds interval, bool color, std::FILE* out,
                         SizeProbe size)
    : params_(std::move(params)), interval_(interval), color_(color), out_(out), size_(std::move(size)) {}

TerminalSize WatchScreen::size() const {
  TerminalSize s = size_ ? size_() : TerminalSize{};
  if (s.columns <= 0) s.columns = kFallbackSize.columns;
  if (s.rows <= 0) s.rows = kFallbackSize.rows;
  return s;
}

void WatchScreen::show(const std::vector<StyledLine>& lines, int width) {
  std::vector<std::string> text;
  for (const auto& line : lines) text.push_back(to_text(line, color_, width));
  std::fputs(screen_.redraw(text).c_str(), out_);
  std::fflush(out_);
}

void WatchScreen::draw(const WatchStats& stats, const WatchStatus& status, const WatchView& view) {
  TerminalSize s = size();
  show(watch_frame(params_, interval_, stats, status, view, s), s.columns);
}

void WatchScreen::finish(const WatchStats& stats, const WatchView& view) {
  const int width = size().columns;
  std::vector<StyledLine> lines{watch_title(params_, stats)};
  for (auto& line : render_watch_table(stats, WatchTableOptions{width, 0, view.names})) lines.push_back(std::move(line));
  show(lines, width);
}

}  // namespace ddtr::client
