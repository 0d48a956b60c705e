#include "client/trace_table.hpp"

#include <algorithm>

namespace ddtr::client {
namespace {

constexpr int kMaxTtl = 255;  // TTLs are 8 bits on the wire

const HopCell& pending_cell() {
  static const HopCell pending;
  return pending;
}

// How many answers of `run` the live column repeats exactly (address and RTT:
// the RTT travels as the same double both times).
int shared_answers(const Run& run, const TraceTable& live, int column) {
  int score = 0;
  for (const Hop& hop : run.hops) {
    const HopCell& c = live.cell(column, hop.ttl);
    if (c.state == CellState::Answered && c.address == hop.ip_address && c.rtt_ms == hop.rtt_ms) ++score;
  }
  return score;
}

}  // namespace

std::vector<int> TraceTable::columns_for(const std::vector<Run>& runs, const TraceTable& live) {
  std::vector<int> column(runs.size(), -1);
  std::vector<bool> taken(runs.size(), false);
  for (std::size_t r = 0; r < runs.size(); ++r) {
    int best = -1, best_score = 0;
    for (int c = 0; c < std::min(live.runs(), static_cast<int>(runs.size())); ++c) {
      if (taken[static_cast<std::size_t>(c)]) continue;
      int score = shared_answers(runs[r], live, c);
      if (score > best_score) best = c, best_score = score;
    }
    if (best >= 0) {
      column[r] = best;
      taken[static_cast<std::size_t>(best)] = true;
    }
  }
  std::size_t next = 0;
  for (int& c : column) {
    if (c >= 0) continue;
    while (taken[next]) ++next;
    c = static_cast<int>(next);
    taken[next] = true;
  }
  return column;
}

TraceTable::TraceTable(int runs) : cells_(static_cast<std::size_t>(std::max(runs, 0))) {}

TraceTable TraceTable::from_results(const Results& results, const TraceTable& live) {
  TraceTable table(results.runs ? static_cast<int>(results.runs->size()) : 0);
  if (!results.runs) return table;
  const std::vector<int> column = columns_for(*results.runs, live);
  for (std::size_t r = 0; r < results.runs->size(); ++r) {
    for (const Hop& hop : (*results.runs)[r].hops) {
      HopCell cell;
      if (hop.ip_address.empty()) {
        cell.state = CellState::NoAnswer;
      } else {
        cell.state = CellState::Answered;
        cell.address = hop.ip_address;
        cell.rtt_ms = hop.rtt_ms;
        cell.is_destination = hop.is_dest;
        cell.names = hop.reverse_dns;
      }
      table.set(column[r], hop.ttl, std::move(cell));
    }
  }
  return table;
}

void TraceTable::observe(const HopObservation& hop) {
  if (hop.kind != HopObservation::Kind::Run) return;
  HopCell cell;
  if (hop.address.empty()) {
    if (hop.ttl >= 1 && static_cast<std::size_t>(hop.index) < cells_.size() &&
        this->cell(static_cast<int>(hop.index), hop.ttl).state == CellState::Answered) {
      return;
    }
    cell.state = CellState::NoAnswer;
  } else {
    cell.state = CellState::Answered;
    cell.address = hop.address;
    cell.rtt_ms = hop.rtt_ms;
    cell.is_destination = hop.is_destination;
  }
  set(static_cast<int>(hop.index), hop.ttl, std::move(cell));
}

void TraceTable::set(int run, int ttl, HopCell cell) {
  // Bounds keep a confused or hostile daemon from making us allocate much.
  if (run < 0 || run >= 1000 || ttl < 1 || ttl > kMaxTtl) return;
  if (static_cast<std::size_t>(run) >= cells_.size()) cells_.resize(static_cast<std::size_t>(run) + 1);
  auto& column = cells_[static_cast<std::size_t>(run)];
  if (static_cast<std::size_t>(ttl) > column.size()) column.resize(static_cast<std::size_t>(ttl));
  column[static_cast<std::size_t>(ttl) - 1] = std::move(cell);
}

const HopCell& TraceTable::cell(int run, int ttl) const {
  if (run < 0 || static_cast<std::size_t>(run) >= cells_.size() || ttl < 1) return pending_cell();
  const auto& column = cells_[static_cast<std::size_t>(run)];
  if (static_cast<std::size_t>(ttl) > column.size()) return pending_cell();
  return column[static_cast<std::size_t>(ttl) - 1];
}

std::optional<int> TraceTable::destination_ttl(int run) const {
  if (run < 0 || static_cast<std::size_t>(run) >= cells_.size()) return std::nullopt;
  const auto& column = cells_[static_cast<std::size_t>(run)];
  for (std::size_t i = 0; i < column.size(); ++i) {
    if (column[i].state == CellState::Answered && column[i].is_destination) return static_cast<int>(i) + 1;
  }
  return std::nullopt;
}

int TraceTable::last_ttl() const {
  int last = 0;
  for (int r = 0; r < runs(); ++r) {
    if (auto dest = destination_ttl(r)) {
      last = std::max(last, *dest);
      continue;
    }
    const auto& column = cells_[static_cast<std::size_t>(r)];
    for (std::size_t i = column.size(); i > 0; --i) {
      if (column[i - 1].state != CellState::Pending) {
        last = std::max(last, static_cast<int>(i));
        break;
      }
    }
  }
  return last;
}

std::vector<TableRow> TraceTable::rows() const {
  std::vector<TableRow> out;
  const auto run_count = static_cast<std::size_t>(runs());
  std::vector<std::optional<int>> dest(run_count);
  for (std::size_t r = 0; r < run_count; ++r) dest[r] = destination_ttl(static_cast<int>(r));
  const int last = last_ttl();
  for (int ttl = 1; ttl <= last; ++ttl) {
    std::vector<TableRow> groups;  // one per distinct answering address, in run order
    std::vector<RowCell> silent(run_count);
    int answered = 0, lost = 0;
    for (std::size_t r = 0; r < run_count; ++r) {
      if (dest[r] && ttl > *dest[r]) continue;  // this run had no need to go deeper
      const HopCell& c = cell(static_cast<int>(r), ttl);
      if (c.state == CellState::NoAnswer) {
        silent[r].kind = RowCell::Kind::NoAnswer;
        ++lost;
      } else if (c.state == CellState::Answered) {
        ++answered;
        auto it = std::find_if(groups.begin(), groups.end(), [&](const TableRow& g) { return g.address == c.address; });
        if (it == groups.end()) {
          TableRow row;
          row.ttl = ttl;
          row.address = c.address;
          row.cells.resize(run_count);
          groups.push_back(std::move(row));
          it = groups.end() - 1;
        }
        it->cells[r] = RowCell{RowCell::Kind::Rtt, c.rtt_ms};
        it->is_destination = it->is_destination || c.is_destination;
        if (it->name.empty() && !c.names.empty()) it->name = c.names.front();
      }
    }
    std::optional<double> loss;
    if (answered + lost > 0) loss = 100.0 * lost / (answered + lost);
    if (groups.empty()) {
      TableRow row;
      row.ttl = ttl;
      row.address = lost > 0 ? "*" : "";
      row.cells = std::move(silent);
      row.loss_percent = loss;
      out.push_back(std::move(row));
      continue;
    }
    // The timeouts belong to the TTL, so they show on its first row.
    for (std::size_t r = 0; r < run_count; ++r) {
      if (silent[r].kind == RowCell::Kind::NoAnswer) groups.front().cells[r] = silent[r];
    }
    groups.front().loss_percent = loss;
    for (std::size_t g = 0; g < groups.size(); ++g) {
      groups[g].continuation = g > 0;
      out.push_back(std::move(groups[g]));
    }
  }
  return out;
}

void E2eProgress::observe(const HopObservation& hop) {
  if (hop.kind != HopObservation::Kind::E2e) return;
  ++done;
  if (!hop.address.empty()) {
    ++received;
    last_rtt_ms = hop.rtt_ms;
  }
}

}  // namespace ddtr::client
