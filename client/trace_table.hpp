// The table model of a trace: what is known of every (run, TTL) cell, fed by
// hops as the daemon streams them or built from the final result. Pure data:
// no IO, no terminal; the renderers turn rows into text.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "shared/result/results.hpp"

namespace ddtr::client {

// One HopListener.onHop event, in the client's own terms.
struct HopObservation {
  enum class Kind { Run, E2e };
  Kind kind = Kind::Run;
  unsigned index = 0;    // run or e2e probe, from 0
  int ttl = 0;
  std::string address;   // "" when the probe was not answered
  double rtt_ms = 0;
  bool is_destination = false;
};

enum class CellState { Pending, Answered, NoAnswer };

struct HopCell {
  CellState state = CellState::Pending;
  std::string address;
  double rtt_ms = 0;
  bool is_destination = false;
  std::vector<std::string> names;  // reverse DNS, only known from the final result
};

// A cell of a rendered row: the RTT of one run, `*`, or nothing (pending, or
// the run's answer at this TTL came from another address, or it ended lower).
struct RowCell {
  enum class Kind { Blank, Rtt, NoAnswer };
  Kind kind = Kind::Blank;
  double rtt_ms = 0;
};

// One line of the table. A TTL where runs were answered by several addresses
// (ECMP) has one row per address; the later ones are continuations.
struct TableRow {
  int ttl = 0;
  bool continuation = false;
  std::string address;   // "*" when every resolved run timed out, "" when nothing is known yet
  std::string name;      // first reverse DNS name, if any
  bool is_destination = false;
  std::vector<RowCell> cells;         // one per run
  std::optional<double> loss_percent;  // first row of a TTL only; none while nothing is resolved
};

class TraceTable {
 public:
  explicit TraceTable(int runs = 0);

  // The final result: one run per column, with names. The daemon lists runs
  // in the order they finished, so each run goes to the column of the live
  // run whose answers it repeats (`live`), and the columns do not swap places
  // when the final table replaces the live one; others follow in result order.
  static TraceTable from_results(const Results& results, const TraceTable& live = TraceTable());

  // A run hop; e2e events are ignored (E2eProgress counts them). An answer is
  // never replaced by a timeout; otherwise the latest event wins (the daemon
  // sends a destination answer after a router's for the same probe).
  void observe(const HopObservation& hop);
  void set(int run, int ttl, HopCell cell);

  int runs() const { return static_cast<int>(cells_.size()); }
  // Rows shown: 1..last_ttl(). A run counts up to its destination TTL when
  // known, else up to the deepest TTL it has resolved.
  int last_ttl() const;
  std::optional<int> destination_ttl(int run) const;
  const HopCell& cell(int run, int ttl) const;  // Pending when unknown

  std::vector<TableRow> rows() const;

 private:
  static std::vector<int> columns_for(const std::vector<Run>& runs, const TraceTable& live);

  std::vector<std::vector<HopCell>> cells_;  // [run][ttl - 1]
};

// The end-to-end probes, as they arrive.
struct E2eProgress {
  int total = 0;     // -Q
  int done = 0;      // probes whose answer or loss is known
  int received = 0;
  std::optional<double> last_rtt_ms;

  void observe(const HopObservation& hop);  // e2e events only
};

}  // namespace ddtr::client
