// The Go CLI's flags: names, shorthands, defaults, pflag syntax and messages.
#include <gtest/gtest.h>

#include "client/flags.hpp"
#include "client/go_int.hpp"

namespace ddtr::client {
namespace {

ParseOutcome parse(std::vector<std::string> args, const char* env = nullptr) { return parse_command_line(args, env); }

std::string error_of(std::vector<std::string> args) {
  try {
    parse(std::move(args));
  } catch (const FlagError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Flags, DefaultsAreTheGoDefaults) {
  auto o = parse({"203.0.113.5"});
  EXPECT_EQ(o.kind, CommandKind::Trace);
  TraceParams expected;
  expected.hostname = "203.0.113.5";
  EXPECT_EQ(o.options.params, expected);
  EXPECT_EQ(o.options.params.protocol, "udp");
  EXPECT_EQ(o.options.params.port, 33434);
  EXPECT_EQ(o.options.params.traceroute_queries, 3);
  EXPECT_EQ(o.options.params.max_ttl, 30);
  EXPECT_EQ(o.options.params.timeout_ms, 3000);
  EXPECT_EQ(o.options.params.e2e_queries, 50);
  EXPECT_EQ(o.options.params.tcp_method, "syn");
  EXPECT_EQ(o.options.socket_path, kDefaultSocketPath);
  EXPECT_FALSE(o.options.verbose);
}

TEST(Flags, LongShortEqualsAndSpaceForms) {
  auto o = parse({"-P", "tcp", "--port=443", "-q5", "-m", "20", "--tcp-method", "sack", "--ipv6", "--timeout=1500",
                  "--reverse-dns", "--source-public-ip", "-Q=7", "--windows-driver", "--skip-private-hops", "-v",
                  "example.test"});
  const auto& p = o.options.params;
  EXPECT_EQ(p.protocol, "tcp");
  EXPECT_EQ(p.port, 443);
  EXPECT_EQ(p.traceroute_queries, 5);
  EXPECT_EQ(p.max_ttl, 20);
  EXPECT_EQ(p.tcp_method, "sack");
  EXPECT_TRUE(p.want_v6);
  EXPECT_EQ(p.timeout_ms, 1500);
  EXPECT_TRUE(p.reverse_dns);
  EXPECT_TRUE(p.collect_source_public_ip);
  EXPECT_EQ(p.e2e_queries, 7);
  EXPECT_TRUE(p.use_windows_driver);
  EXPECT_TRUE(p.skip_private_hops);
  EXPECT_TRUE(o.options.verbose);
  EXPECT_EQ(p.hostname, "example.test");
}

TEST(Flags, FlagsAfterTheTargetAndDoubleDash) {
  auto o = parse({"203.0.113.5", "--proto", "icmp", "-p", "80"});
  EXPECT_EQ(o.options.params.protocol, "icmp");
  EXPECT_EQ(o.options.params.port, 80);
  o = parse({"--proto", "icmp", "--", "203.0.113.5"});
  EXPECT_EQ(o.options.params.hostname, "203.0.113.5");
}

TEST(Flags, GoIntegerForms) {
  EXPECT_EQ(parse({"-p", "0x1BB", "t"}).options.params.port, 443);
  EXPECT_EQ(parse({"-p", "0o17", "t"}).options.params.port, 15);
  EXPECT_EQ(parse({"-p", "0b1", "t"}).options.params.port, 1);
  EXPECT_EQ(parse({"-p", "017", "t"}).options.params.port, 15);
  EXPECT_EQ(parse({"-p", "0", "t"}).options.params.port, 0);
  EXPECT_EQ(parse({"-p", "+80", "t"}).options.params.port, 80);
  EXPECT_EQ(parse({"-p", "0x1_BB", "t"}).options.params.port, 443);
  EXPECT_EQ(parse({"-p", "4_43", "t"}).options.params.port, 443);
}

TEST(GoInt, ParseIntEdgeCases) {
  EXPECT_EQ(parse_go_int("9223372036854775807").value, INT64_MAX);
  EXPECT_EQ(parse_go_int("-9223372036854775808").value, INT64_MIN);
  EXPECT_EQ(parse_go_int("9223372036854775808").error, GoIntError::Range);
  EXPECT_EQ(parse_go_int("").error, GoIntError::Syntax);
  EXPECT_EQ(parse_go_int("08").error, GoIntError::Syntax);
  // strconv.ParseInt(s, 0, 64) takes underscores between digits in decimal too (issue 19 item 8).
  EXPECT_EQ(parse_go_int("1_000").value, 1000);
  EXPECT_EQ(parse_go_int("4_43").value, 443);
  EXPECT_EQ(parse_go_int("-1_0").value, -10);
  EXPECT_EQ(parse_go_int("0_17").value, 15);
  EXPECT_EQ(parse_go_int("_1").error, GoIntError::Syntax);
  EXPECT_EQ(parse_go_int("1_").error, GoIntError::Syntax);
  EXPECT_EQ(parse_go_int("1__0").error, GoIntError::Syntax);
  EXPECT_EQ(parse_go_int("0x").error, GoIntError::Syntax);
  EXPECT_EQ(parse_go_int("0x_1").error, GoIntError::None);
  EXPECT_EQ(parse_go_int("0x1__2").error, GoIntError::Syntax);
  EXPECT_EQ(parse_go_int("12a").error, GoIntError::Syntax);
}

TEST(Flags, PflagErrorMessages) {
  EXPECT_EQ(error_of({"-p", "abc", "t"}),
            "invalid argument \"abc\" for \"-p, --port\" flag: strconv.ParseInt: parsing \"abc\": invalid syntax");
  EXPECT_EQ(error_of({"--timeout", "x", "t"}),
            "invalid argument \"x\" for \"--timeout\" flag: strconv.ParseInt: parsing \"x\": invalid syntax");
  EXPECT_EQ(error_of({"-q", "99999999999999999999", "t"}),
            "invalid argument \"99999999999999999999\" for \"-q, --traceroute-queries\" flag: strconv.ParseInt: "
            "parsing \"99999999999999999999\": value out of range");
  EXPECT_EQ(error_of({"--nope", "t"}), "unknown flag: --nope");
  EXPECT_EQ(error_of({"-x", "t"}), "unknown shorthand flag: 'x' in -x");
  EXPECT_EQ(error_of({"t", "--port"}), "flag needs an argument: --port");
  EXPECT_EQ(error_of({"t", "-p"}), "flag needs an argument: 'p' in -p");
  EXPECT_EQ(error_of({}), "accepts 1 arg(s), received 0");
  // Several targets are a batch (a deviation: Go accepts exactly one).
  EXPECT_EQ(error_of({"a", "b"}), "(no error)");
  EXPECT_EQ(error_of({"a", "", "b"}), "the target must not be empty");
  EXPECT_EQ(error_of({"a", "b", "--parallel", "0"}), "invalid value 0 for --parallel: must be between 1 and 1000");
  EXPECT_EQ(error_of({"--ipv6=maybe", "t"}),
            "invalid argument \"maybe\" for \"--ipv6\" flag: strconv.ParseBool: parsing \"maybe\": invalid syntax");
}

TEST(Flags, BoolForms) {
  for (const char* yes : {"1", "t", "T", "TRUE", "true", "True"}) {
    EXPECT_TRUE(parse({std::string("--ipv6=") + yes, "t"}).options.params.want_v6) << yes;
  }
  for (const char* no : {"0", "f", "F", "FALSE", "false", "False"}) {
    EXPECT_FALSE(parse({"--ipv6", std::string("--ipv6=") + no, "t"}).options.params.want_v6) << no;
  }
  EXPECT_TRUE(parse({"-v=true", "t"}).options.verbose);
}

TEST(Flags, ValidationBeyondGo) {
  EXPECT_NE(error_of({"-P", "ICMP", "t"}).find("--proto: must be udp, tcp or icmp"), std::string::npos);
  EXPECT_NE(error_of({"--tcp-method", "fin", "t"}).find("--tcp-method"), std::string::npos);
  EXPECT_NE(error_of({"-p", "65536", "t"}).find("--port: must be between 0 and 65535"), std::string::npos);
  EXPECT_NE(error_of({"-m", "0", "t"}).find("--max-ttl"), std::string::npos);
  EXPECT_NE(error_of({"-m", "256", "t"}).find("--max-ttl"), std::string::npos);
  EXPECT_NE(error_of({"-q", "-1", "t"}).find("--traceroute-queries"), std::string::npos);
  EXPECT_NE(error_of({"-Q", "1001", "t"}).find("--e2e-queries"), std::string::npos);
  EXPECT_NE(error_of({"--timeout", "0", "t"}).find("--timeout"), std::string::npos);
  EXPECT_NE(error_of({""}).find("target"), std::string::npos);
  EXPECT_EQ(parse({"-q", "0", "-Q", "0", "t"}).options.params.traceroute_queries, 0);
}

TEST(Flags, SocketPrecedence) {
  EXPECT_EQ(parse({"t"}).options.socket_path, kDefaultSocketPath);
  EXPECT_EQ(parse({"t"}, "/tmp/env.sock").options.socket_path, "/tmp/env.sock");
  EXPECT_EQ(parse({"t"}, "").options.socket_path, kDefaultSocketPath);
  EXPECT_EQ(parse({"--socket", "/tmp/flag.sock", "t"}, "/tmp/env.sock").options.socket_path, "/tmp/flag.sock");
}

TEST(Flags, HelpAndVersion) {
  EXPECT_EQ(parse({"-h"}).kind, CommandKind::Help);
  EXPECT_EQ(parse({"--help", "t"}).kind, CommandKind::Help);
  EXPECT_EQ(parse({"help"}).kind, CommandKind::Help);
  EXPECT_EQ(parse({"--version"}).kind, CommandKind::Version);
  EXPECT_EQ(parse({"version"}).kind, CommandKind::Version);
  auto help = parse({"-h"}).text;
  for (const char* flag : {"--proto", "--port", "--traceroute-queries", "--max-ttl", "--verbose", "--tcp-method",
                           "--ipv6", "--timeout", "--reverse-dns", "--source-public-ip", "--e2e-queries",
                           "--windows-driver", "--skip-private-hops", "--socket", "(default 33434)", "192.0.2.1"}) {
    EXPECT_NE(help.find(flag), std::string::npos) << flag;
  }
}

}  // namespace
}  // namespace ddtr::client

namespace ddtr::client {
namespace {

TEST(Flags, SeveralTargetsAreABatch) {
  auto one = parse_command_line({"--proto", "icmp", "203.0.113.5"}, nullptr);
  EXPECT_FALSE(one.options.is_batch());
  EXPECT_EQ(one.options.params.hostname, "203.0.113.5");
  auto many = parse_command_line({"203.0.113.5", "--proto", "icmp", "2001:db8::5", "--parallel", "4"}, nullptr);
  EXPECT_TRUE(many.options.is_batch());
  EXPECT_EQ(many.options.targets, (std::vector<std::string>{"203.0.113.5", "2001:db8::5"}));
  EXPECT_EQ(many.options.parallel, 4);
  EXPECT_EQ(many.options.params.protocol, "icmp");
  // As in Go, a bool flag takes no separate value: "false" is a second target.
  EXPECT_EQ(parse_command_line({"--ipv6", "false", "t"}, nullptr).options.targets, (std::vector<std::string>{"false", "t"}));
  auto file = parse_command_line({"--targets-file", "/tmp/targets"}, nullptr);
  EXPECT_TRUE(file.options.is_batch());
  EXPECT_EQ(file.options.targets_file, "/tmp/targets");
  EXPECT_TRUE(file.options.targets.empty());
}

}  // namespace
}  // namespace ddtr::client
