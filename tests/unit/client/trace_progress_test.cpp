// What a trace prints while it runs, at the end, and after Ctrl-C, per output
// plan, into memory streams with a fake terminal size.
#include <gtest/gtest.h>

#include <cstdio>

#include "client/hop_printer.hpp"
#include "client/trace_progress.hpp"

namespace ddtr::client {
namespace {

// A FILE* read back as a string: a temporary file (std::tmpfile, binary,
// removed on close), so the test builds with Windows' C runtime too, which
// has no open_memstream.
class MemoryFile {
 public:
  MemoryFile() : file_(std::tmpfile()) {}
  ~MemoryFile() {
    if (file_ != nullptr) std::fclose(file_);
  }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;
  std::FILE* get() { return file_; }
  std::string text() {
    std::fflush(file_);
    long end = std::ftell(file_);
    std::string out(static_cast<std::size_t>(end > 0 ? end : 0), '\0');
    std::rewind(file_);
    std::size_t n = std::fread(out.data(), 1, out.size(), file_);
    out.resize(n);
    std::fseek(file_, 0, SEEK_END);  // writes go on after what was read
    return out;
  }

 private:
  std::FILE* file_;
};

HopObservation hop(unsigned run, int ttl, std::string address, double rtt = 1.0, bool dest = false) {
  return HopObservation{HopObservation::Kind::Run, run, ttl, std::move(address), rtt, dest};
}

TraceParams params() {
  TraceParams p;
  p.hostname = "203.0.113.5";
  p.protocol = "icmp";
  p.traceroute_queries = 2;
  p.e2e_queries = 2;
  return p;
}

Results result() {
  Results r;
  ddtr::Run a, b;
  a.destination.ip_address = b.destination.ip_address = "203.0.113.5";
  a.hops = {Hop{1, "192.0.2.6", 0.5, true, {"r1.example."}, false}, Hop{2, "203.0.113.5", 1.5, true, {}, true}};
  b.hops = {Hop{1, "192.0.2.6", 0.25, true, {"r1.example."}, false}, Hop{2, "203.0.113.5", 1.25, true, {}, true}};
  r.runs = std::vector<ddtr::Run>{a, b};
  r.e2e_probe.packets_sent = 2;
  r.e2e_probe.packets_received = 2;
  r.e2e_probe.rtt = {1.0, 0.5, 1.5};
  return r;
}

OutputPlan plan(OutputFormat format, LiveView live, bool color = false) { return OutputPlan{format, live, color}; }

TEST(HopLine, TodaysStderrLines) {
  EXPECT_EQ(hop_line(hop(0, 2, "192.0.2.10", 0.1015)),
            "run 1  ttl   2  192.0.2.10                                  0.102 ms\n");
  EXPECT_EQ(hop_line(hop(1, 3, "203.0.113.5", 2, true)),
            "run 2  ttl   3  203.0.113.5                                 2.000 ms  (destination)\n");
  EXPECT_EQ(hop_line(hop(0, 4, "")), "run 1  ttl   4  *\n");
  EXPECT_EQ(hop_line(HopObservation{HopObservation::Kind::E2e, 4, 30, "203.0.113.5", 0.3, true}),
            "e2e probe   5  203.0.113.5                                 0.300 ms\n");
  EXPECT_EQ(hop_line(HopObservation{HopObservation::Kind::E2e, 5, 30, "", 0, false}), "e2e probe   6  lost\n");
}

TEST(LiveFrame, FitsTheFakeTerminal) {
  TraceTable table(3);
  for (int ttl = 1; ttl <= 30; ++ttl) table.observe(hop(0, ttl, "192.0.2." + std::to_string(ttl)));
  E2eProgress e2e;
  e2e.total = 50;
  e2e.done = 3;
  auto lines = live_frame(params(), table, e2e, TerminalSize{40, 12});
  ASSERT_EQ(lines.size(), 11u);  // one line short of the screen: the frame never scrolls it
  for (const auto& line : lines) EXPECT_LE(to_text(line, false, 40).size(), 39u);
  EXPECT_EQ(to_text(lines[9], false, 40), "  ... 23 more rows (the whole table whe");
  EXPECT_EQ(to_text(lines[10], false, 40), "e2e probes: 3/50 done, 0 received, last");
}

TEST(TraceProgress, HopLinesGoToStderrForJson) {
  MemoryFile out, err;
  TraceProgress progress(plan(OutputFormat::Json, LiveView::HopLines), params(), out.get(), err.get(), {});
  progress.start();
  progress.observe(hop(0, 1, "192.0.2.6", 0.5));
  progress.finish(result());
  EXPECT_EQ(out.text(), "");  // the command prints the JSON document itself
  EXPECT_EQ(err.text(), "run 1  ttl   1  192.0.2.6                                   0.500 ms\n");
}

TEST(TraceProgress, LiveTableRedrawsInPlaceThenShowsTheFinalTableWithNames) {
  MemoryFile out, err;
  TraceProgress progress(plan(OutputFormat::Table, LiveView::Table), params(), out.get(), err.get(),
                         [] { return TerminalSize{100, 30}; });
  progress.start();
  std::string first = out.text();
  EXPECT_EQ(first.find("\x1b[1A"), std::string::npos);
  EXPECT_NE(first.find("TTL  Address"), std::string::npos);
  progress.observe(hop(0, 1, "192.0.2.6", 0.5));
  progress.redraw();
  progress.observe(hop(1, 1, "192.0.2.6", 0.25));
  progress.redraw();
  progress.finish(result());
  std::string all = out.text();
  EXPECT_NE(all.find("\r\x1b[4A"), std::string::npos);  // title, header, e2e line, then a row
  std::string final_frame = all.substr(all.rfind("\r\x1b["));
  EXPECT_NE(final_frame.find("datadog-traceroute to 203.0.113.5: icmp, 2 runs"), std::string::npos);
  EXPECT_NE(final_frame.find("r1.example"), std::string::npos);
  EXPECT_NE(final_frame.find("e2e probes: 2 sent, 2 received"), std::string::npos);
  // Columns kept as they were live: run 1 saw 0.5 ms.
  EXPECT_NE(final_frame.find("0.500  0.250"), std::string::npos);
  EXPECT_EQ(all.find("\x1b[0m"), std::string::npos);  // no colour asked
  EXPECT_EQ(err.text(), "");
}

TEST(TraceProgress, ColourWhenPlanned) {
  MemoryFile out, err;
  TraceProgress progress(plan(OutputFormat::Table, LiveView::Table, true), params(), out.get(), err.get(),
                         [] { return TerminalSize{100, 30}; });
  progress.finish(result());
  EXPECT_NE(out.text().find("\x1b[32m203.0.113.5"), std::string::npos);
}

TEST(TraceProgress, TableAndTextWithoutATerminalArePlain) {
  {
    MemoryFile out, err;
    TraceProgress progress(plan(OutputFormat::Table, LiveView::None), params(), out.get(), err.get(), {});
    progress.start();
    progress.observe(hop(0, 1, "192.0.2.6"));
    progress.finish(result());
    EXPECT_EQ(out.text().find('\x1b'), std::string::npos);
    EXPECT_EQ(out.text().substr(0, 39), "datadog-traceroute to 203.0.113.5: icmp");
  }
  {
    MemoryFile out, err;
    TraceProgress progress(plan(OutputFormat::Text, LiveView::None), params(), out.get(), err.get(), {});
    progress.finish(result());
    EXPECT_EQ(out.text(),
              "traceroute to 203.0.113.5 (203.0.113.5), 30 hops max, icmp, 2 runs\n"
              " 1  r1.example (192.0.2.6)  0.500 ms  0.250 ms\n"
              " 2  203.0.113.5  1.500 ms  1.250 ms\n"
              "e2e probes: 2 sent, 2 received, 0% loss, rtt min/avg/max 0.500/1.000/1.500 ms, jitter 0.000 ms\n");
  }
}

TEST(TraceProgress, InterruptedJsonNotesTheHopsOnStderrOnly) {
  MemoryFile out, err;
  TraceProgress progress(plan(OutputFormat::Json, LiveView::None), params(), out.get(), err.get(), {});
  progress.observe(hop(0, 1, "192.0.2.6", 0.5));
  progress.interrupted();
  EXPECT_EQ(out.text(), "");
  EXPECT_EQ(err.text(),
            "Interrupted: the trace was cancelled in the daemon; no JSON document was printed. Hops learned so far:\n"
            "traceroute to 203.0.113.5, 30 hops max, icmp, 2 runs\n"
            " 1  192.0.2.6  0.500 ms\n"
            "e2e probes: 0/2 done, 0 received, last -\n");
}

TEST(TraceProgress, InterruptedTableShowsEveryRowLearned) {
  MemoryFile out, err;
  TraceProgress progress(plan(OutputFormat::Table, LiveView::Table), params(), out.get(), err.get(),
                         [] { return TerminalSize{80, 8}; });
  progress.start();
  for (int ttl = 1; ttl <= 12; ++ttl) progress.observe(hop(0, ttl, ""));
  progress.redraw();
  EXPECT_NE(out.text().find("more rows"), std::string::npos);  // the live frame is cut to the screen
  progress.interrupted();
  std::string all = out.text();
  std::string last = all.substr(all.rfind("\r\x1b["));
  EXPECT_NE(last.find(" 12  *"), std::string::npos);  // ... the partial table is not
  EXPECT_EQ(last.find("more rows"), std::string::npos);
  EXPECT_NE(err.text().find("Interrupted: the trace was cancelled in the daemon"), std::string::npos);
}

TEST(TraceProgress, AnErrorBeforeAnyHopErasesTheLiveFrame) {
  MemoryFile out, err;
  TraceProgress progress(plan(OutputFormat::Table, LiveView::Table), params(), out.get(), err.get(),
                         [] { return TerminalSize{80, 24}; });
  progress.start();
  progress.abandon();
  std::string all = out.text();
  EXPECT_EQ(all.substr(all.size() - 3), "\x1b[J");
}

TEST(TraceProgress, AnErrorAfterHopsLeavesThePartialTable) {
  MemoryFile out, err;
  TraceProgress progress(plan(OutputFormat::Table, LiveView::Table), params(), out.get(), err.get(),
                         [] { return TerminalSize{80, 24}; });
  progress.start();
  progress.observe(hop(0, 1, "192.0.2.6", 0.5));
  progress.abandon();
  std::string all = out.text();
  std::string last = all.substr(all.rfind("\r\x1b["));
  EXPECT_NE(last.find("  1  192.0.2.6"), std::string::npos);
}

TEST(TraceProgress, NothingToEraseWithoutALiveTable) {
  MemoryFile out, err;
  TraceProgress progress(plan(OutputFormat::Json, LiveView::HopLines), params(), out.get(), err.get(), {});
  progress.observe(hop(0, 1, "192.0.2.6", 0.5));
  progress.abandon();
  EXPECT_EQ(out.text(), "");
}

}  // namespace
}  // namespace ddtr::client
