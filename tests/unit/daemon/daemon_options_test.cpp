#include "daemon/daemon_options.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace ddtr::daemon {
namespace {

DaemonCommand parse(std::vector<std::string> args) {
  args.insert(args.begin(), "datadog-tracerouted");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return parse_daemon_options(static_cast<int>(argv.size()), argv.data());
}

TEST(DaemonOptions, UserIsUnsetByDefault) {
  auto command = parse({"--foreground"});
  ASSERT_TRUE(command.run);
  EXPECT_FALSE(command.run->user.has_value());
}

TEST(DaemonOptions, UserNamesTheAccount) {
  auto command = parse({"--user", "root"});
  ASSERT_TRUE(command.run);
  EXPECT_EQ(command.run->user, std::optional<std::string>("root"));
  auto other = parse({"--user=datadog-traceroute"});
  ASSERT_TRUE(other.run);
  EXPECT_EQ(other.run->user, std::optional<std::string>("datadog-traceroute"));
}

TEST(DaemonOptions, MetricsListenIsOffByDefaultAndTakesAnAddress) {
  auto none = parse({});
  ASSERT_TRUE(none.run);
  EXPECT_TRUE(none.run->metrics_listen.empty());
  auto v4 = parse({"--metrics-listen", "127.0.0.1:9765"});
  ASSERT_TRUE(v4.run);
  EXPECT_EQ(v4.run->metrics_listen, "127.0.0.1:9765");
  auto v6 = parse({"--metrics-listen=[::1]:9765"});
  ASSERT_TRUE(v6.run);
  EXPECT_EQ(v6.run->metrics_listen, "[::1]:9765");
  auto bad = parse({"--metrics-listen", "localhost"});
  EXPECT_FALSE(bad.run);
  EXPECT_EQ(bad.exit_code, 2);
}

TEST(DaemonOptions, UserNeedsAName) {
  auto missing = parse({"--user"});
  EXPECT_FALSE(missing.run);
  EXPECT_EQ(missing.exit_code, 2);
  auto empty = parse({"--user", ""});
  EXPECT_FALSE(empty.run);
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_NE(empty.output.find("must name a user"), std::string::npos);
}

TEST(DaemonOptions, HelpDescribesUser) {
  auto help = parse({"--help"});
  EXPECT_FALSE(help.run);
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("--user NAME"), std::string::npos);
}

TEST(DaemonOptions, SendDelayStillParses) {
  EXPECT_EQ(parse_send_delay("20ms"), std::chrono::milliseconds(20));
  EXPECT_EQ(parse_send_delay("1s"), std::chrono::milliseconds(1000));
  EXPECT_FALSE(parse_send_delay("11s"));
}

TEST(DaemonOptions, MaxInFlightCapsEveryRunTogether) {
  auto defaults = parse({"--foreground"});
  ASSERT_TRUE(defaults.run);
  EXPECT_EQ(defaults.run->max_in_flight, 1024);
  auto none = parse({"--max-in-flight", "0"});
  ASSERT_TRUE(none.run);
  EXPECT_EQ(none.run->max_in_flight, 0);
  auto negative = parse({"--max-in-flight", "-1"});
  EXPECT_FALSE(negative.run);
  EXPECT_EQ(negative.exit_code, 2);
}

}  // namespace
}  // namespace ddtr::daemon
