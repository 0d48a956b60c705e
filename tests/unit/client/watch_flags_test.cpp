// The watch flags: --watch, --report-cycles, --interval, --format jsonl, and
// rounds without e2e probes unless -Q is given.
#include <gtest/gtest.h>

#include "client/flags.hpp"

namespace ddtr::client {
namespace {

ClientOptions parse(std::vector<std::string> args) { return parse_command_line(args, nullptr).options; }

std::string error_of(std::vector<std::string> args) {
  try {
    parse(std::move(args));
  } catch (const FlagError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(WatchFlags, Defaults) {
  auto o = parse({"203.0.113.5"});
  EXPECT_FALSE(o.is_watch());
  EXPECT_EQ(o.interval, std::chrono::milliseconds(1000));
  EXPECT_EQ(o.params.e2e_queries, 50);  // a single trace keeps the Go default
}

TEST(WatchFlags, WatchRoundsHaveNoE2eUnlessAsked) {
  auto o = parse({"--watch", "203.0.113.5"});
  EXPECT_TRUE(o.watch);
  EXPECT_TRUE(o.is_watch());
  EXPECT_EQ(o.params.e2e_queries, 0);
  EXPECT_EQ(parse({"--watch", "-Q", "5", "203.0.113.5"}).params.e2e_queries, 5);
  EXPECT_EQ(parse({"--report-cycles", "10", "203.0.113.5"}).params.e2e_queries, 0);
  EXPECT_EQ(parse({"-Q50", "--report-cycles", "10", "203.0.113.5"}).params.e2e_queries, 50);
}

TEST(WatchFlags, Intervals) {
  EXPECT_EQ(parse({"--interval", "500ms", "t"}).interval, std::chrono::milliseconds(500));
  EXPECT_EQ(parse({"--interval=1.5s", "t"}).interval, std::chrono::milliseconds(1500));
  EXPECT_EQ(parse({"--interval", "2", "t"}).interval, std::chrono::milliseconds(2000));  // seconds, as mtr -i
  EXPECT_EQ(parse({"--interval", "2m", "t"}).interval, std::chrono::milliseconds(120000));
  EXPECT_EQ(parse({"--interval", "0", "t"}).interval, std::chrono::milliseconds(0));
  for (const char* bad : {"-1s", "fast", "1h", "2x", "", "nan"}) {
    EXPECT_NE(error_of({"--interval", bad, "t"}).find("for --interval"), std::string::npos) << bad;
  }
}

TEST(WatchFlags, ReportCyclesAndFormats) {
  auto o = parse({"--report-cycles", "10", "--format", "jsonl", "t"});
  EXPECT_EQ(o.report_cycles, 10);
  EXPECT_EQ(o.format, OutputFormat::Jsonl);
  EXPECT_EQ(error_of({"--report-cycles", "0", "t"}), "invalid value 0 for --report-cycles: must be at least 1");
  EXPECT_EQ(error_of({"--watch", "--report-cycles", "3", "t"}), "--watch and --report-cycles are exclusive");
  EXPECT_EQ(error_of({"--watch", "a", "b"}), "--watch and --report-cycles trace one target");
  EXPECT_NE(error_of({"--format", "jsonl", "t"}).find("--format jsonl needs --watch or --report-cycles"),
            std::string::npos);
}

TEST(WatchFlags, HelpNamesThem) {
  std::string help = usage_text();
  for (const char* flag : {"--watch", "--interval", "--report-cycles", "jsonl"}) {
    EXPECT_NE(help.find(flag), std::string::npos) << flag;
  }
}

}  // namespace
}  // namespace ddtr::client
