// Which output a trace gets, for every terminal situation, and --format/--no-color.
#include <gtest/gtest.h>

#include "client/output_plan.hpp"

namespace ddtr::client {
namespace {

ClientOptions options(std::vector<std::string> args) {
  args.push_back("203.0.113.5");
  return parse_command_line(args, nullptr).options;
}

TerminalFacts tty(bool out, bool err) {
  TerminalFacts t;
  t.stdout_tty = out;
  t.stderr_tty = err;
  return t;
}

TEST(Flags, FormatAndNoColor) {
  EXPECT_EQ(options({}).format, std::nullopt);
  EXPECT_EQ(options({"--format", "json"}).format, OutputFormat::Json);
  EXPECT_EQ(options({"--format=table"}).format, OutputFormat::Table);
  EXPECT_EQ(options({"--format", "text"}).format, OutputFormat::Text);
  EXPECT_FALSE(options({}).no_color);
  EXPECT_TRUE(options({"--no-color"}).no_color);
  EXPECT_FALSE(options({"--no-color=false"}).no_color);
  try {
    options({"--format", "yaml"});
    FAIL() << "no error";
  } catch (const FlagError& e) {
    EXPECT_STREQ(e.what(), "invalid value \"yaml\" for --format: must be json, table, text or jsonl");
  }
  EXPECT_THROW(options({"--format"}), FlagError);  // needs an argument (the target is taken as it)
}

TEST(Flags, HelpNamesTheNewFlagsAndTheTerminalDefault) {
  std::string help = usage_text();
  EXPECT_NE(help.find("      --format string"), std::string::npos);
  EXPECT_NE(help.find("default: table when stdout is a terminal, else json"), std::string::npos);
  EXPECT_NE(help.find("      --no-color "), std::string::npos);
  EXPECT_NE(help.find("$NO_COLOR"), std::string::npos);
  EXPECT_NE(help.find("130"), std::string::npos);
  // Every flag of the Go CLI, with its default.
  for (const char* flag : {"-P, --proto string", "(default \"udp\")", "-p, --port int", "(default 33434)",
                           "-q, --traceroute-queries int", "(default 3)", "-m, --max-ttl int", "(default 30)",
                           "-v, --verbose", "--tcp-method string", "(default \"syn\")", "--ipv6", "--timeout int",
                           "(default 3000)", "--reverse-dns", "--source-public-ip", "-Q, --e2e-queries int",
                           "(default 50)", "--windows-driver", "--skip-private-hops", "-h, --help", "--version",
                           "--socket string", "Boolean flags are off unless given"}) {
    EXPECT_NE(help.find(flag), std::string::npos) << flag;
  }
}

TEST(Flags, HelpExamplesUseDocumentationAddressesOnly) {
  std::string help = usage_text();
  auto examples = help.substr(help.find("Examples:"));
  std::size_t lines = 0;
  for (std::size_t at = examples.find("\n  "); at != std::string::npos; at = examples.find("\n  ", at + 1)) {
    std::string line = examples.substr(at + 3, examples.find('\n', at + 1) - at - 3);
    ++lines;
    bool documentation = line.find("192.0.2.") != std::string::npos || line.find("198.51.100.") != std::string::npos ||
                         line.find("203.0.113.") != std::string::npos || line.find("2001:db8:") != std::string::npos ||
                         line.find(" doctor") != std::string::npos;
    EXPECT_TRUE(documentation) << line;
  }
  EXPECT_GE(lines, 5u);
}

TEST(OutputPlan, DefaultFormatFollowsStdout) {
  EXPECT_EQ(plan_output(options({}), tty(true, true)).format, OutputFormat::Table);
  EXPECT_EQ(plan_output(options({}), tty(false, true)).format, OutputFormat::Json);
  EXPECT_EQ(plan_output(options({}), tty(false, false)).format, OutputFormat::Json);
  EXPECT_EQ(plan_output(options({"--format", "json"}), tty(true, true)).format, OutputFormat::Json);
  EXPECT_EQ(plan_output(options({"--format", "text"}), tty(true, true)).format, OutputFormat::Text);
}

TEST(OutputPlan, LiveViewPerFormatAndTerminal) {
  // The table on a terminal draws itself; nothing on stderr, even with -v.
  EXPECT_EQ(plan_output(options({}), tty(true, true)).live, LiveView::Table);
  EXPECT_EQ(plan_output(options({"-v"}), tty(true, true)).live, LiveView::Table);
  // JSON: today's hop lines on stderr when it is a terminal, or with -v.
  EXPECT_EQ(plan_output(options({}), tty(false, true)).live, LiveView::HopLines);
  EXPECT_EQ(plan_output(options({}), tty(false, false)).live, LiveView::None);
  EXPECT_EQ(plan_output(options({"-v"}), tty(false, false)).live, LiveView::HopLines);
  EXPECT_EQ(plan_output(options({"--format", "json"}), tty(true, true)).live, LiveView::HopLines);
  // Text: the same while stdout goes elsewhere; on the terminal itself only the listing.
  EXPECT_EQ(plan_output(options({"--format", "text"}), tty(false, true)).live, LiveView::HopLines);
  EXPECT_EQ(plan_output(options({"--format", "text"}), tty(true, true)).live, LiveView::None);
  EXPECT_EQ(plan_output(options({"--format", "text", "-v"}), tty(true, true)).live, LiveView::HopLines);
  // A table piped somewhere: printed at the end, hops on a terminal's stderr.
  EXPECT_EQ(plan_output(options({"--format", "table"}), tty(false, true)).live, LiveView::HopLines);
  EXPECT_EQ(plan_output(options({"--format", "table"}), tty(false, false)).live, LiveView::None);
  // TERM=dumb: no cursor movement.
  TerminalFacts dumb = tty(true, true);
  dumb.dumb = true;
  EXPECT_EQ(plan_output(options({}), dumb).live, LiveView::HopLines);
  EXPECT_EQ(plan_output(options({}), dumb).format, OutputFormat::Table);
}

TEST(OutputPlan, ColourOnlyInTheTableOnATerminalAndNeverWhenRefused) {
  EXPECT_TRUE(plan_output(options({}), tty(true, true)).color);
  EXPECT_FALSE(plan_output(options({"--no-color"}), tty(true, true)).color);
  TerminalFacts no_color = tty(true, true);
  no_color.no_color = true;
  EXPECT_FALSE(plan_output(options({}), no_color).color);
  EXPECT_FALSE(plan_output(options({"--format", "table"}), tty(false, true)).color);
  EXPECT_FALSE(plan_output(options({"--format", "text"}), tty(true, true)).color);
  EXPECT_FALSE(plan_output(options({"--format", "json"}), tty(true, true)).color);
  TerminalFacts dumb = tty(true, true);
  dumb.dumb = true;
  EXPECT_FALSE(plan_output(options({}), dumb).color);
}

}  // namespace
}  // namespace ddtr::client
