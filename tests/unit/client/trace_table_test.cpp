// The table model: hop events in, rows out (addresses per TTL, ECMP
// continuations, timeouts, loss per TTL across runs, the destination's depth).
#include <gtest/gtest.h>

#include "client/trace_table.hpp"

namespace ddtr::client {
namespace {

HopObservation hop(unsigned run, int ttl, std::string address, double rtt = 1.0, bool dest = false) {
  return HopObservation{HopObservation::Kind::Run, run, ttl, std::move(address), rtt, dest};
}

HopObservation lost(unsigned run, int ttl) { return hop(run, ttl, "", 0); }

TEST(TraceTable, EmptyTableHasNoRows) {
  TraceTable table(3);
  EXPECT_EQ(table.runs(), 3);
  EXPECT_EQ(table.last_ttl(), 0);
  EXPECT_TRUE(table.rows().empty());
}

TEST(TraceTable, RowsFillInHopByHop) {
  TraceTable table(2);
  table.observe(hop(0, 2, "192.0.2.10", 2.5));
  auto rows = table.rows();
  ASSERT_EQ(rows.size(), 2u);  // TTL 1 is pending, but shown: the table grows top-down
  EXPECT_EQ(rows[0].ttl, 1);
  EXPECT_EQ(rows[0].address, "");
  EXPECT_FALSE(rows[0].loss_percent);
  EXPECT_EQ(rows[0].cells[0].kind, RowCell::Kind::Blank);
  EXPECT_EQ(rows[1].address, "192.0.2.10");
  EXPECT_EQ(rows[1].cells[0].kind, RowCell::Kind::Rtt);
  EXPECT_DOUBLE_EQ(rows[1].cells[0].rtt_ms, 2.5);
  EXPECT_EQ(rows[1].cells[1].kind, RowCell::Kind::Blank);  // run 2 has not answered yet
  EXPECT_EQ(*rows[1].loss_percent, 0.0);                   // loss counts resolved probes only

  table.observe(hop(0, 1, "192.0.2.6"));
  table.observe(hop(1, 1, "192.0.2.6"));
  rows = table.rows();
  EXPECT_EQ(rows[0].address, "192.0.2.6");
  EXPECT_EQ(*rows[0].loss_percent, 0.0);
}

TEST(TraceTable, LossPerTtlAcrossRuns) {
  TraceTable table(3);
  table.observe(hop(0, 1, "192.0.2.6"));
  table.observe(lost(1, 1));
  table.observe(hop(2, 1, "192.0.2.6"));
  table.observe(lost(0, 2));
  table.observe(lost(1, 2));
  table.observe(lost(2, 2));
  auto rows = table.rows();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_NEAR(*rows[0].loss_percent, 100.0 / 3, 1e-9);
  EXPECT_EQ(rows[0].cells[1].kind, RowCell::Kind::NoAnswer);
  EXPECT_EQ(rows[1].address, "*");  // every run timed out: traceroute's "* * *"
  EXPECT_EQ(*rows[1].loss_percent, 100.0);
  for (const auto& c : rows[1].cells) EXPECT_EQ(c.kind, RowCell::Kind::NoAnswer);
}

TEST(TraceTable, AnEarlierAnswerIsNeverReplacedByATimeout) {
  TraceTable table(1);
  table.observe(hop(0, 1, "192.0.2.6", 3));
  table.observe(lost(0, 1));
  EXPECT_EQ(table.cell(0, 1).state, CellState::Answered);
  // ... but the destination's answer replaces a router's for the same probe.
  table.observe(hop(0, 1, "203.0.113.5", 4, true));
  EXPECT_EQ(table.cell(0, 1).address, "203.0.113.5");
}

TEST(TraceTable, RowsEndAtTheDestination) {
  TraceTable table(2);
  table.observe(hop(0, 1, "192.0.2.6"));
  table.observe(hop(0, 2, "203.0.113.5", 1, true));
  table.observe(hop(0, 3, "203.0.113.5", 1, true));  // a deeper probe reached it too
  table.observe(hop(1, 1, "192.0.2.6"));
  EXPECT_EQ(table.destination_ttl(0), 2);
  EXPECT_EQ(table.destination_ttl(1), std::nullopt);
  EXPECT_EQ(table.last_ttl(), 2);
  auto rows = table.rows();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_TRUE(rows[1].is_destination);
  EXPECT_EQ(*rows[1].loss_percent, 0.0);  // run 2 has not resolved TTL 2: not counted
}

TEST(TraceTable, RunsThatEndedLowerLeaveDeeperCellsBlankAndUncounted) {
  TraceTable table(2);
  table.observe(hop(0, 1, "203.0.113.5", 1, true));
  table.observe(hop(1, 1, "192.0.2.6"));
  table.observe(hop(1, 2, "203.0.113.5", 1, true));
  auto rows = table.rows();
  ASSERT_EQ(rows.size(), 3u);  // TTL 1: the destination (run 1) and a router (run 2)
  EXPECT_TRUE(rows[1].continuation);
  EXPECT_EQ(rows[2].ttl, 2);
  EXPECT_EQ(rows[2].cells[0].kind, RowCell::Kind::Blank);
  EXPECT_EQ(*rows[2].loss_percent, 0.0);
}

TEST(TraceTable, EcmpAddressesGetContinuationRows) {
  TraceTable table(3);
  table.observe(hop(0, 4, "192.0.2.18", 1));
  table.observe(hop(1, 4, "198.51.100.18", 2));
  table.observe(lost(2, 4));
  auto rows = table.rows();
  ASSERT_EQ(rows.size(), 5u);
  const TableRow& first = rows[3];
  const TableRow& second = rows[4];
  EXPECT_EQ(first.ttl, 4);
  EXPECT_FALSE(first.continuation);
  EXPECT_EQ(first.address, "192.0.2.18");
  EXPECT_EQ(first.cells[0].kind, RowCell::Kind::Rtt);
  EXPECT_EQ(first.cells[1].kind, RowCell::Kind::Blank);
  EXPECT_EQ(first.cells[2].kind, RowCell::Kind::NoAnswer);  // the TTL's timeouts sit on its first row
  EXPECT_NEAR(*first.loss_percent, 100.0 / 3, 1e-9);
  EXPECT_TRUE(second.continuation);
  EXPECT_EQ(second.ttl, 4);
  EXPECT_EQ(second.address, "198.51.100.18");
  EXPECT_EQ(second.cells[1].kind, RowCell::Kind::Rtt);
  EXPECT_EQ(second.cells[2].kind, RowCell::Kind::Blank);
  EXPECT_FALSE(second.loss_percent);
}

TEST(TraceTable, HostileIndexesAndTtlsAreBounded) {
  TraceTable table(1);
  table.observe(hop(5, 1, "192.0.2.6"));  // a run we did not expect: the table grows
  EXPECT_EQ(table.runs(), 6);
  table.observe(hop(100000, 1, "192.0.2.6"));
  table.observe(hop(0, 0, "192.0.2.6"));
  table.observe(hop(0, 300, "192.0.2.6"));
  EXPECT_EQ(table.runs(), 6);
  EXPECT_EQ(table.last_ttl(), 1);
}

TEST(TraceTable, E2eEventsGoToTheProgressNotTheTable) {
  TraceTable table(1);
  E2eProgress e2e;
  e2e.total = 10;
  HopObservation answered{HopObservation::Kind::E2e, 0, 30, "203.0.113.5", 0.5, true};
  HopObservation lost_probe{HopObservation::Kind::E2e, 1, 30, "", 0, false};
  for (const auto& h : {answered, lost_probe}) {
    table.observe(h);
    e2e.observe(h);
  }
  EXPECT_EQ(table.last_ttl(), 0);
  EXPECT_EQ(e2e.done, 2);
  EXPECT_EQ(e2e.received, 1);
  EXPECT_DOUBLE_EQ(*e2e.last_rtt_ms, 0.5);
  e2e.observe(hop(0, 1, "192.0.2.6"));  // a run hop does not count
  EXPECT_EQ(e2e.done, 2);
}

Results two_runs() {
  Results results;
  ddtr::Run a, b;
  a.hops = {Hop{1, "192.0.2.6", 1.5, true, {"r1.example."}, false}, Hop{2, "203.0.113.5", 2.5, true, {}, true}};
  b.hops = {Hop{1, "192.0.2.6", 1.25, true, {"r1.example."}, false}, Hop{2, "", 0, false, {}, false},
            Hop{3, "203.0.113.5", 3.5, true, {"dst.example."}, true}};
  results.runs = std::vector<ddtr::Run>{a, b};
  return results;
}

TEST(TraceTable, FromResultsCarriesNamesAndTheDestination) {
  TraceTable table = TraceTable::from_results(two_runs());
  EXPECT_EQ(table.runs(), 2);
  EXPECT_EQ(table.destination_ttl(0), 2);
  EXPECT_EQ(table.destination_ttl(1), 3);
  EXPECT_EQ(table.cell(1, 2).state, CellState::NoAnswer);
  auto rows = table.rows();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].name, "r1.example.");
  EXPECT_EQ(rows[2].name, "dst.example.");
  EXPECT_EQ(rows[2].cells[0].kind, RowCell::Kind::Blank);  // run 1 ended at TTL 2

  Results none;
  EXPECT_EQ(TraceTable::from_results(none).runs(), 0);
}

TEST(TraceTable, FromResultsKeepsTheLiveColumnOrder) {
  // Live: run 0 saw 1.25 ms at TTL 1, run 1 saw 1.5 ms. The result lists the
  // runs in the order they finished (1.5 first).
  TraceTable live(2);
  live.observe(hop(0, 1, "192.0.2.6", 1.25));
  live.observe(hop(1, 1, "192.0.2.6", 1.5));
  TraceTable table = TraceTable::from_results(two_runs(), live);
  EXPECT_DOUBLE_EQ(table.cell(0, 1).rtt_ms, 1.25);
  EXPECT_DOUBLE_EQ(table.cell(1, 1).rtt_ms, 1.5);
  EXPECT_EQ(table.destination_ttl(0), 3);
  // Without live answers to match, the result's order.
  TraceTable plain = TraceTable::from_results(two_runs(), TraceTable(2));
  EXPECT_DOUBLE_EQ(plain.cell(0, 1).rtt_ms, 1.5);
}

}  // namespace
}  // namespace ddtr::client
