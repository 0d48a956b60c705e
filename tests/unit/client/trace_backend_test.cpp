// The no-daemon rule: which way a trace runs for every combination of
// --no-daemon, a daemon answering, and this process's privilege; the flag;
// and the errors that name both ways out.
#include <gtest/gtest.h>

#include "client/flags.hpp"
#include "client/trace_backend.hpp"

namespace ddtr::client {
namespace {

TEST(TraceMode, DaemonFirstThenInProcessForThePrivileged) {
  // A daemon that answers serves everyone, privileged or not.
  EXPECT_EQ(choose_trace_mode(false, true, false), TraceMode::Daemon);
  EXPECT_EQ(choose_trace_mode(false, true, true), TraceMode::Daemon);
  // No daemon: the privileged caller runs the engine itself (the Go tool's way) ...
  EXPECT_EQ(choose_trace_mode(false, false, true), TraceMode::InProcess);
  // ... the unprivileged one cannot trace (and never opens a raw socket).
  EXPECT_EQ(choose_trace_mode(false, false, false), std::nullopt);
}

TEST(TraceMode, NoDaemonFlagNeedsThePrivilegeWhateverTheDaemon) {
  EXPECT_EQ(choose_trace_mode(true, true, true), TraceMode::InProcess);
  EXPECT_EQ(choose_trace_mode(true, false, true), TraceMode::InProcess);
  EXPECT_EQ(choose_trace_mode(true, true, false), std::nullopt);
  EXPECT_EQ(choose_trace_mode(true, false, false), std::nullopt);
}

TEST(TraceMode, NoDaemonFlag) {
  auto parse = [](std::vector<std::string> args) {
    args.push_back("203.0.113.5");
    return parse_command_line(args, nullptr).options;
  };
  EXPECT_FALSE(parse({}).no_daemon);
  EXPECT_TRUE(parse({"--no-daemon"}).no_daemon);
  EXPECT_FALSE(parse({"--no-daemon=false"}).no_daemon);
  EXPECT_NE(usage_text().find("      --no-daemon "), std::string::npos);
}

TEST(TraceMode, TheErrorsNameBothWaysOut) {
  if (!in_process_supported()) GTEST_SKIP() << "no in-process mode on this OS: the errors are the daemon's alone";
  Error unavailable(ErrorCode::DaemonUnavailable, "cannot reach the traceroute daemon at /x: No such file or directory");
  Error both = no_daemon_and_unprivileged(unavailable);
  EXPECT_EQ(both.code(), ErrorCode::DaemonUnavailable);  // the code scripts already test stays
  std::string text = both.what();
  EXPECT_EQ(text.rfind(unavailable.what(), 0), 0u) << text;  // today's text first, then the other way out
  EXPECT_NE(text.find(in_process_privilege()), std::string::npos) << text;
  Error flag = no_daemon_flag_unprivileged();
  EXPECT_EQ(flag.code(), ErrorCode::DaemonUnavailable);
  text = flag.what();
  EXPECT_NE(text.find("--no-daemon"), std::string::npos) << text;
  EXPECT_NE(text.find(in_process_privilege()), std::string::npos) << text;
  EXPECT_NE(text.find("datadog-tracerouted"), std::string::npos) << text;  // and the daemon
}

}  // namespace
}  // namespace ddtr::client
