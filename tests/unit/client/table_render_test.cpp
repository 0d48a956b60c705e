// Rendering the table: column layout, widths (IPv6, names, many runs), the
// fake terminal's width, missing hops, colour codes, escapes from the network.
#include <gtest/gtest.h>

#include "client/table_render.hpp"

namespace ddtr::client {
namespace {

HopObservation hop(unsigned run, int ttl, std::string address, double rtt = 1.0, bool dest = false) {
  return HopObservation{HopObservation::Kind::Run, run, ttl, std::move(address), rtt, dest};
}

std::vector<std::string> plain(const std::vector<StyledLine>& lines, int width = 0) {
  std::vector<std::string> out;
  for (const auto& l : lines) out.push_back(to_text(l, false, width));
  return out;
}

TraceTable three_hops() {
  TraceTable table(3);
  double rtts[3][3] = {{0.959, 0.951, 1.003}, {0.248, 0.018, 12.5}, {0.087, 150.26, 1234.5}};
  const char* addresses[3] = {"192.0.2.6", "192.0.2.10", "203.0.113.5"};
  for (int ttl = 1; ttl <= 3; ++ttl) {
    for (unsigned r = 0; r < 3; ++r) {
      if (ttl == 2 && r == 1) {
        table.observe(hop(r, ttl, ""));
        continue;
      }
      table.observe(hop(r, ttl, addresses[ttl - 1], rtts[ttl - 1][r], ttl == 3));
    }
  }
  return table;
}

TEST(FormatRtt, AboutFiveCharactersAtAnyScale) {
  EXPECT_EQ(format_rtt(0.0714), "0.071");
  EXPECT_EQ(format_rtt(9.9994), "9.999");
  EXPECT_EQ(format_rtt(12.345), "12.35");  // rounded by printf
  EXPECT_EQ(format_rtt(123.44), "123.4");
  EXPECT_EQ(format_rtt(1234.4), "1234");
}

TEST(RenderTable, ColumnsAlignedWithLossAndTimeouts) {
  auto lines = plain(render_table(three_hops(), {}));
  std::vector<std::string> expected = {
      "TTL  Address          Run 1  Run 2  Run 3  Loss%",
      "  1  192.0.2.6        0.959  0.951  1.003     0%",
      "  2  192.0.2.10       0.248      *  12.50    33%",
      "  3  203.0.113.5      0.087  150.3   1234     0%",
  };
  EXPECT_EQ(lines, expected);
}

TEST(RenderTable, MissingHopsShowStarsAndPendingRowsStayBlank) {
  TraceTable table(2);
  table.observe(hop(0, 2, ""));
  table.observe(hop(1, 2, ""));
  table.observe(hop(0, 3, "192.0.2.14", 0.5));
  auto lines = plain(render_table(table, {}));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[1], "  1");  // nothing known of TTL 1 yet
  EXPECT_EQ(lines[2], "  2  *                    *      *   100%");
  EXPECT_EQ(lines[3], "  3  192.0.2.14       0.500            0%");
}

TEST(RenderTable, Ipv6AddressesWidenTheAddressColumn) {
  TraceTable table(2);
  const std::string wide = "2001:db8:ffff:ffff:ffff:ffff:ffff:fffe";  // 38 characters
  table.observe(hop(0, 1, "2001:db8:1:1::2", 0.1));
  table.observe(hop(1, 1, "2001:db8:1:1::2", 0.2));
  table.observe(hop(0, 2, wide, 0.3, true));
  table.observe(hop(1, 2, wide, 0.4, true));
  auto lines = plain(render_table(table, {}));
  ASSERT_EQ(lines.size(), 3u);
  for (const auto& line : lines) EXPECT_EQ(line.size(), lines[0].size()) << line;
  EXPECT_EQ(lines[0].find("Run 1"), 5 + wide.size() + 2 + 0u);
  EXPECT_EQ(lines[1].find("0.100"), lines[2].find("0.300"));
}

TEST(RenderTable, ManyRunsFitTheTerminalOrBecomeSummaryColumns) {
  TraceTable table(10);
  for (unsigned r = 0; r < 10; ++r) {
    table.observe(hop(r, 1, "192.0.2.6", 0.5 + r));
    table.observe(hop(r, 2, "203.0.113.5", 1.5 + r, true));
  }
  // 10 run columns need 5 + 15 + 10 * 8 + 7 = 107 characters.
  auto wide = plain(render_table(table, {120, 0}), 120);
  EXPECT_NE(wide[0].find("Run 10"), std::string::npos);
  EXPECT_EQ(wide[0].find("Avg"), std::string::npos);
  for (const auto& line : wide) EXPECT_LE(line.size(), 119u);

  auto narrow = plain(render_table(table, {80, 0}), 80);
  EXPECT_EQ(narrow[0], "TTL  Address            Avg   Best   Wrst  Loss%");
  EXPECT_EQ(narrow[1], "  1  192.0.2.6        5.000  0.500  9.500     0%");
  EXPECT_EQ(narrow[2], "  2  203.0.113.5      6.000  1.500  10.50     0%");
  for (const auto& line : narrow) EXPECT_LE(line.size(), 79u);
}

TEST(RenderTable, AFewRunsStayPerRunAndLinesAreClippedInsteadOnATinyTerminal) {
  auto lines = plain(render_table(three_hops(), {30, 0}), 30);
  EXPECT_EQ(lines[0], "TTL  Address          Run 1");
  for (const auto& line : lines) EXPECT_LE(line.size(), 29u);
}

TEST(RenderTable, NamesGetAColumnAndAreShortenedToFit) {
  Results results;
  ddtr::Run run;
  run.hops = {Hop{1, "192.0.2.6", 1, true, {"r1.example."}, false},
              Hop{2, "203.0.113.5", 2, true, {"a-rather-long-name-for-the-destination.example."}, true}};
  results.runs = std::vector<ddtr::Run>{run};
  TraceTable table = TraceTable::from_results(results);
  auto lines = plain(render_table(table, {}));
  EXPECT_EQ(lines[0], "TTL  Address          rDNS                                            Run 1  Loss%");
  EXPECT_EQ(lines[1], "  1  192.0.2.6        r1.example                                      1.000     0%");
  auto fitted = plain(render_table(table, {60, 0}), 60);
  EXPECT_EQ(fitted[2], "  2  203.0.113.5      a-rather-long-name-for~  2.000     0%");
  for (const auto& line : fitted) EXPECT_LE(line.size(), 59u);

  TraceTable without(1);
  without.observe(hop(0, 1, "192.0.2.6"));
  EXPECT_EQ(plain(render_table(without, {}))[0].find("rDNS"), std::string::npos);
}

TEST(RenderTable, MaxRowsLeavesANoteForTheRest) {
  TraceTable table(1);
  for (int ttl = 1; ttl <= 10; ++ttl) table.observe(hop(0, ttl, "192.0.2." + std::to_string(ttl)));
  auto lines = plain(render_table(table, {0, 4}));
  ASSERT_EQ(lines.size(), 5u);  // header, 3 rows, the note
  EXPECT_EQ(lines[3].substr(0, 5), "  3  ");
  EXPECT_EQ(lines[4], "  ... 7 more rows (the whole table when the trace ends)");
}

TEST(RenderTable, ColourOnlyWhenAsked) {
  auto lines = render_table(three_hops(), {});
  std::string coloured = to_text(lines[3], true, 0);
  EXPECT_NE(coloured.find("\x1b[32m203.0.113.5\x1b[0m"), std::string::npos);  // the destination, green
  std::string stars = to_text(lines[2], true, 0);
  EXPECT_NE(stars.find("\x1b[31m*\x1b[0m"), std::string::npos);
  EXPECT_NE(stars.find("\x1b[33m33%\x1b[0m"), std::string::npos);
  for (const auto& line : lines) EXPECT_EQ(to_text(line, false, 0).find('\x1b'), std::string::npos);
}

TEST(StyledText, ClipsToTheWidthMinusOneAndDropsTrailingBlanks) {
  StyledLine line{Span{"abc", Style::Header}, Span{"     "}, Span{"defgh", Style::Destination}};
  EXPECT_EQ(to_text(line, false, 0), "abc     defgh");
  EXPECT_EQ(to_text(line, false, 7), "abc");
  EXPECT_EQ(to_text(line, false, 11), "abc     de");
  EXPECT_EQ(to_text(line, true, 11), "\x1b[1;4mabc\x1b[0m     \x1b[32mde\x1b[0m");
}

TEST(StyledText, SanitizeKeepsEscapesFromTheNetworkOffTheTerminal) {
  EXPECT_EQ(sanitize("evil\x1b[2J.example."), "evil?[2J.example.");
  EXPECT_EQ(sanitize("tab\there\n"), "tab?here?");
  EXPECT_EQ(sanitize("caf\xc3\xa9"), "caf??");

  Results results;
  ddtr::Run run;
  run.hops = {Hop{1, "192.0.2.6", 1, true, {"\x1b]0;owned\x07x.example."}, false}};
  results.runs = std::vector<ddtr::Run>{run};
  for (const auto& line : render_table(TraceTable::from_results(results), {})) {
    EXPECT_EQ(to_text(line, true, 0).find("\x1b]"), std::string::npos);
  }
}

TEST(TitleAndE2e, Lines) {
  TraceParams params;
  params.hostname = "203.0.113.5";
  params.protocol = "icmp";
  EXPECT_EQ(to_text(title_line(params, "203.0.113.5", 3), false, 0),
            "datadog-traceroute to 203.0.113.5: icmp, 3 runs, max 30 hops, RTT in ms");
  params.hostname = "dst.example";
  params.protocol = "tcp";
  params.port = 443;
  EXPECT_EQ(to_text(title_line(params, "203.0.113.5", 1), false, 0),
            "datadog-traceroute to dst.example (203.0.113.5): tcp syn port 443, 1 run, max 30 hops, RTT in ms");

  E2eProgress progress;
  EXPECT_TRUE(e2e_progress_line(progress).empty());
  progress.total = 50;
  EXPECT_EQ(to_text(e2e_progress_line(progress), false, 0), "e2e probes: 0/50 done, 0 received, last -");
  progress.done = 12;
  progress.received = 11;
  progress.last_rtt_ms = 0.4123;
  EXPECT_EQ(to_text(e2e_progress_line(progress), false, 0), "e2e probes: 12/50 done, 11 received, last 0.412 ms");

  E2eProbe e2e;
  EXPECT_EQ(e2e_summary(e2e), "");
  e2e.packets_sent = 50;
  e2e.packets_received = 49;
  e2e.packet_loss_percentage = 0.02f;
  e2e.rtt = {0.08, 0.071, 0.12};
  e2e.jitter = 0.004;
  EXPECT_EQ(e2e_summary(e2e),
            "e2e probes: 50 sent, 49 received, 2% loss, rtt min/avg/max 0.071/0.080/0.120 ms, jitter 0.004 ms");
  e2e.packets_received = 0;
  e2e.packet_loss_percentage = 1;
  EXPECT_EQ(e2e_summary(e2e), "e2e probes: 50 sent, 0 received, 100% loss");
}

}  // namespace
}  // namespace ddtr::client
