#include "client/table_render.hpp"

#include <algorithm>
#include <cstdio>

namespace ddtr::client {
namespace {

constexpr std::size_t kTtlWidth = 3;
constexpr std::size_t kGap = 2;
constexpr std::size_t kMinNameWidth = 8;
constexpr std::size_t kMinAddressWidth = 15;  // "255.255.255.255"
constexpr const char* kLossHeader = "Loss%";

std::string pad_left(const std::string& text, std::size_t width) {
  return text.size() >= width ? text : std::string(width - text.size(), ' ') + text;
}

std::string pad_right(const std::string& text, std::size_t width) {
  return text.size() >= width ? text : text + std::string(width - text.size(), ' ');
}

std::string shorten(const std::string& text, std::size_t width) {
  if (text.size() <= width) return text;
  if (width == 0) return "";
  return text.substr(0, width - 1) + "~";
}

std::string run_header(int run) { return "Run " + std::to_string(run + 1); }

struct Stats {
  std::optional<double> avg, best, worst;
};

Stats stats_of(const TableRow& row) {
  Stats s;
  double total = 0;
  int n = 0;
  for (const RowCell& c : row.cells) {
    if (c.kind != RowCell::Kind::Rtt) continue;
    total += c.rtt_ms;
    ++n;
    s.best = s.best ? std::min(*s.best, c.rtt_ms) : c.rtt_ms;
    s.worst = s.worst ? std::max(*s.worst, c.rtt_ms) : c.rtt_ms;
  }
  if (n > 0) s.avg = total / n;
  return s;
}

std::string format_loss(double percent) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%.0f%%", percent);
  return buffer;
}

Style loss_style(double percent) {
  if (percent <= 0) return Style::Plain;
  return percent >= 100 ? Style::TotalLoss : Style::Loss;
}

// The widths of every column, chosen once for the whole table.
struct Layout {
  std::size_t address = 0;
  std::size_t name = 0;  // 0: no rDNS column
  bool summary = false;  // Avg/Best/Wrst instead of one column per run
  std::size_t value = 0;  // width of an RTT or statistic column
  int runs = 0;

  std::size_t value_columns() const { return summary ? 3 : static_cast<std::size_t>(runs); }
  std::size_t total() const {
    return kTtlWidth + kGap + address + (name > 0 ? kGap + name : 0) + value_columns() * (kGap + value) + kGap +
           std::string(kLossHeader).size();
  }
};

Layout choose_layout(const std::vector<TableRow>& rows, int runs, int width) {
  Layout full;
  full.runs = runs;
  // As wide as any IPv4 address from the start, so the columns do not jump
  // sideways while the live table fills in (IPv6 widens it as needed).
  full.address = kMinAddressWidth;
  std::size_t rtt = 1, name = 0, stat = 4;  // "Wrst"
  for (const TableRow& row : rows) {
    full.address = std::max(full.address, row.address.size());
    name = std::max(name, row.name.size());
    for (const RowCell& c : row.cells) {
      if (c.kind == RowCell::Kind::Rtt) rtt = std::max(rtt, format_rtt(c.rtt_ms).size());
    }
  }
  stat = std::max(stat, rtt);
  if (name > 0) full.name = std::max(name, std::string("rDNS").size());
  full.value = std::max(rtt, runs > 0 ? run_header(runs - 1).size() : 0);
  if (width <= 0) return full;

  const std::size_t budget = static_cast<std::size_t>(width - 1);
  auto fit_names = [budget](Layout layout) {
    if (layout.name > 0 && layout.total() > budget) {
      std::size_t excess = layout.total() - budget;
      layout.name = layout.name > excess + kMinNameWidth ? layout.name - excess : std::min(layout.name, kMinNameWidth);
    }
    return layout;
  };
  Layout fitted = fit_names(full);
  if (fitted.total() <= budget) return fitted;
  Layout summary = full;
  summary.summary = true;
  summary.value = stat;
  summary = fit_names(summary);
  // Still too wide either way: the narrower one, and to_text() clips each line.
  return summary.total() < fitted.total() ? summary : fitted;
}

void add(StyledLine& line, std::string text, Style style = Style::Plain) {
  line.push_back(Span{std::move(text), style});
}

void add_value(StyledLine& line, const std::string& text, std::size_t width, Style style) {
  add(line, std::string(kGap + (width > text.size() ? width - text.size() : 0), ' '));
  add(line, text, style);
}

StyledLine header_line(const Layout& layout) {
  StyledLine line;
  add(line, "TTL", Style::Header);
  add(line, std::string(kGap, ' '));
  add(line, "Address", Style::Header);
  add(line, std::string(layout.address - 7, ' '));
  if (layout.name > 0) {
    add(line, std::string(kGap, ' '));
    add(line, "rDNS", Style::Header);
    add(line, std::string(layout.name - 4, ' '));
  }
  if (layout.summary) {
    for (const char* h : {"Avg", "Best", "Wrst"}) add_value(line, h, layout.value, Style::Header);
  } else {
    for (int r = 0; r < layout.runs; ++r) add_value(line, run_header(r), layout.value, Style::Header);
  }
  add_value(line, kLossHeader, std::string(kLossHeader).size(), Style::Header);
  return line;
}

StyledLine row_line(const TableRow& row, const Layout& layout) {
  StyledLine line;
  add(line, row.continuation ? std::string(kTtlWidth, ' ') : pad_left(std::to_string(row.ttl), kTtlWidth));
  add(line, std::string(kGap, ' '));
  Style address_style = row.is_destination ? Style::Destination : row.address == "*" ? Style::NoAnswer : Style::Plain;
  add(line, row.address, address_style);
  add(line, std::string(layout.address - std::min(layout.address, row.address.size()), ' '));
  if (layout.name > 0) {
    add(line, std::string(kGap, ' '));
    add(line, pad_right(shorten(row.name, layout.name), layout.name));
  }
  if (layout.summary) {
    Stats s = stats_of(row);
    for (const auto& v : {s.avg, s.best, s.worst}) add_value(line, v ? format_rtt(*v) : "", layout.value, Style::Plain);
  } else {
    for (const RowCell& c : row.cells) {
      switch (c.kind) {
        case RowCell::Kind::Rtt: add_value(line, format_rtt(c.rtt_ms), layout.value, Style::Plain); break;
        case RowCell::Kind::NoAnswer: add_value(line, "*", layout.value, Style::NoAnswer); break;
        case RowCell::Kind::Blank: add_value(line, "", layout.value, Style::Plain); break;
      }
    }
  }
  if (row.loss_percent) {
    add_value(line, format_loss(*row.loss_percent), std::string(kLossHeader).size(), loss_style(*row.loss_percent));
  }
  return line;
}

}  // namespace

std::string format_rtt(double ms) {
  char buffer[32];
  const char* format = ms < 10 ? "%.3f" : ms < 100 ? "%.2f" : ms < 1000 ? "%.1f" : "%.0f";
  std::snprintf(buffer, sizeof buffer, format, ms);
  return buffer;
}

std::vector<StyledLine> render_table(const TraceTable& table, const TableOptions& options) {
  std::vector<TableRow> rows = table.rows();
  for (TableRow& row : rows) {
    row.address = sanitize(row.address);
    row.name = sanitize(row.name);
    if (row.name.size() > 1 && row.name.back() == '.') row.name.pop_back();  // "r1.example." reads as "r1.example"
  }
  Layout layout = choose_layout(rows, table.runs(), options.width);
  std::vector<StyledLine> lines;
  lines.push_back(header_line(layout));
  std::size_t shown = rows.size();
  if (options.max_rows > 0 && rows.size() > static_cast<std::size_t>(options.max_rows)) {
    shown = static_cast<std::size_t>(std::max(options.max_rows - 1, 0));
  }
  for (std::size_t i = 0; i < shown; ++i) lines.push_back(row_line(rows[i], layout));
  if (shown < rows.size()) {
    StyledLine more;
    add(more, "  ... " + std::to_string(rows.size() - shown) + " more rows (the whole table when the trace ends)",
        Style::Note);
    lines.push_back(std::move(more));
  }
  return lines;
}

StyledLine title_line(const TraceParams& params, const std::string& destination_ip, int runs) {
  std::string text = "datadog-traceroute to " + sanitize(params.hostname);
  if (!destination_ip.empty() && destination_ip != params.hostname) text += " (" + sanitize(destination_ip) + ")";
  text += ": " + sanitize(params.protocol);
  // append(), not operator+ chains from a one-character literal: GCC 12 warns
  // falsely (-Wrestrict) on those at -O3.
  if (params.protocol == "tcp") text.append(" ").append(sanitize(params.tcp_method));
  if (params.protocol != "icmp") text += " port " + std::to_string(params.port);
  text += ", " + std::to_string(runs) + (runs == 1 ? " run" : " runs");
  text += ", max " + std::to_string(params.max_ttl) + " hops, RTT in ms";
  return StyledLine{Span{std::move(text), Style::Title}};
}

StyledLine e2e_progress_line(const E2eProgress& progress) {
  if (progress.total <= 0) return {};
  std::string text = "e2e probes: " + std::to_string(progress.done) + "/" + std::to_string(progress.total) +
                     " done, " + std::to_string(progress.received) + " received, last ";
  text += progress.last_rtt_ms ? format_rtt(*progress.last_rtt_ms) + " ms" : "-";
  return StyledLine{Span{std::move(text), Style::Note}};
}

std::string e2e_summary(const E2eProbe& e2e) {
  if (e2e.packets_sent <= 0) return "";
  std::string text = "e2e probes: " + std::to_string(e2e.packets_sent) + " sent, " +
                     std::to_string(e2e.packets_received) + " received, " +
                     format_loss(static_cast<double>(e2e.packet_loss_percentage) * 100) + " loss";
  if (e2e.packets_received > 0) {
    text += ", rtt min/avg/max " + format_rtt(e2e.rtt.min) + "/" + format_rtt(e2e.rtt.avg) + "/" +
            format_rtt(e2e.rtt.max) + " ms, jitter " + format_rtt(e2e.jitter) + " ms";
  }
  return text;
}

}  // namespace ddtr::client
