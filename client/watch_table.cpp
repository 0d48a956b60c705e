#include "client/watch_table.hpp"

#include <algorithm>
#include <cstdio>
#include <string>

#include "client/table_render.hpp"

namespace ddtr::client {
namespace {

constexpr std::size_t kGap = 2;
constexpr std::size_t kTtlWidth = 3;
constexpr std::size_t kMinAddressWidth = 15;  // "255.255.255.255": columns do not jump as rows arrive
constexpr std::size_t kMinNameWidth = 8;
constexpr std::size_t kLossWidth = 6;  // "100.0%"

struct Row {
  int ttl = 0;
  bool first = true;  // the TTL's first row carries its Loss% and Snt
  std::string address, name;
  Style address_style = Style::Plain;
  const TtlStats* hop = nullptr;
  const AddressStats* by = nullptr;  // null: no address answered at this TTL
};

std::string format_percent(double p) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%.1f%%", p);
  return buffer;
}

std::vector<Row> rows_of(const WatchStats& stats) {
  std::vector<Row> rows;
  for (const TtlStats& t : stats.ttls()) {
    if (t.addresses.empty()) {
      Row row;
      row.ttl = t.ttl;
      row.address = t.sent > 0 ? "*" : "";
      row.address_style = Style::NoAnswer;
      row.hop = &t;
      rows.push_back(std::move(row));
      continue;
    }
    for (std::size_t i = 0; i < t.addresses.size(); ++i) {
      const AddressStats& a = t.addresses[i];
      Row row;
      row.ttl = t.ttl;
      row.first = i == 0;
      row.address = sanitize(a.address);
      row.name = sanitize(a.name);
      if (row.name.size() > 1 && row.name.back() == '.') row.name.pop_back();
      row.address_style = a.is_destination ? Style::Destination : Style::Plain;
      row.hop = &t;
      row.by = &a;
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

void add(StyledLine& line, std::string text, Style style = Style::Plain) { line.push_back(Span{std::move(text), style}); }

void add_right(StyledLine& line, const std::string& text, std::size_t width, Style style = Style::Plain) {
  add(line, std::string(kGap + (width > text.size() ? width - text.size() : 0), ' '));
  add(line, text, style);
}

Style loss_style(double percent) {
  if (percent <= 0) return Style::Plain;
  return percent >= 100 ? Style::TotalLoss : Style::Loss;
}

}  // namespace

std::vector<StyledLine> render_watch_table(const WatchStats& stats, const WatchTableOptions& options) {
  const std::vector<Row> rows = rows_of(stats);
  std::size_t address = kMinAddressWidth, name = 0, value = 5, count = 3;  // "StDev", "Snt"
  for (const Row& r : rows) {
    address = std::max(address, r.address.size());
    if (options.names) name = std::max(name, r.name.size());
    count = std::max(count, std::to_string(r.hop->sent).size());
    if (r.by != nullptr) {
      for (double v : {r.by->rtt.last(), r.by->rtt.mean(), r.by->rtt.best(), r.by->rtt.worst(), r.by->rtt.stddev()}) {
        value = std::max(value, format_rtt(v).size());
      }
    }
  }
  if (name > 0) name = std::max(name, std::string("rDNS").size());
  const std::size_t fixed = kTtlWidth + kGap + address + kGap + kLossWidth + 2 * (kGap + count) + 5 * (kGap + value);
  if (name > 0 && options.width > 0) {
    const auto budget = static_cast<std::size_t>(std::max(options.width - 1, 0));
    const std::size_t room = budget > fixed + kGap ? budget - fixed - kGap : 0;
    name = room >= kMinNameWidth ? std::min(name, room) : 0;  // too narrow: names give way to the numbers
  }

  std::vector<StyledLine> lines;
  StyledLine header;
  add(header, "TTL", Style::Header);
  add(header, std::string(kGap, ' '));
  add(header, "Address", Style::Header);
  add(header, std::string(address - 7, ' '));
  if (name > 0) {
    add(header, std::string(kGap, ' '));
    add(header, "rDNS", Style::Header);
    add(header, std::string(name - 4, ' '));
  }
  add_right(header, "Loss%", kLossWidth, Style::Header);
  add_right(header, "Snt", count, Style::Header);
  add_right(header, "Rcv", count, Style::Header);
  for (const char* h : {"Last", "Avg", "Best", "Wrst", "StDev"}) add_right(header, h, value, Style::Header);
  lines.push_back(std::move(header));

  std::size_t shown = rows.size();
  if (options.max_rows > 0 && rows.size() > static_cast<std::size_t>(options.max_rows)) {
    shown = static_cast<std::size_t>(std::max(options.max_rows - 1, 0));
  }
  for (std::size_t i = 0; i < shown; ++i) {
    const Row& r = rows[i];
    StyledLine line;
    add(line, r.first ? std::string(kTtlWidth - std::min(kTtlWidth, std::to_string(r.ttl).size()), ' ') +
                            std::to_string(r.ttl)
                      : std::string(kTtlWidth, ' '));
    add(line, std::string(kGap, ' '));
    add(line, r.address, r.address_style);
    add(line, std::string(address - std::min(address, r.address.size()), ' '));
    if (name > 0) {
      std::string shown_name = r.name.size() > name ? r.name.substr(0, name - 1) + "~" : r.name;
      add(line, std::string(kGap, ' '));
      add(line, shown_name + std::string(name - shown_name.size(), ' '));
    }
    if (r.first) {
      const double loss = r.hop->loss_percent();
      add_right(line, r.hop->sent > 0 ? format_percent(loss) : "", kLossWidth, loss_style(loss));
      add_right(line, std::to_string(r.hop->sent), count);
    } else {
      add_right(line, "", kLossWidth);
      add_right(line, "", count);
    }
    add_right(line, std::to_string(r.by != nullptr ? r.by->rtt.count() : 0), count);
    if (r.by != nullptr) {
      const RunningStats& s = r.by->rtt;
      for (double v : {s.last(), s.mean(), s.best(), s.worst(), s.stddev()}) add_right(line, format_rtt(v), value);
    }
    lines.push_back(std::move(line));
  }
  if (shown < rows.size()) {
    StyledLine more;
    add(more, "  ... " + std::to_string(rows.size() - shown) + " more rows (a taller terminal shows them)", Style::Note);
    lines.push_back(std::move(more));
  }
  return lines;
}

}  // namespace ddtr::client
