// `completion bash|zsh|fish|powershell` and `version` (issue 19 item 8): the
// words are subcommands, never traced; the bash script is run by bash itself.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#ifndef _WIN32
#include <unistd.h>
#endif

#include "client/flags.hpp"
#include "client/version_line.hpp"

namespace ddtr::client {
namespace {

ParseOutcome parse(std::vector<std::string> args) { return parse_command_line(args, nullptr); }

TEST(Completion, IsASubcommandForEveryShell) {
  for (const char* shell : kCompletionShells) {
    auto o = parse({"completion", shell});
    EXPECT_EQ(o.kind, CommandKind::Completion) << shell;
    for (const auto& flag : completion_flags()) {
      EXPECT_NE(o.text.find(flag.name), std::string::npos) << shell << " lacks --" << flag.name;
    }
    for (const char* value : {"prefer_sack", "syn_socket", "icmp", "jsonl", "doctor", "version"}) {
      EXPECT_NE(o.text.find(value), std::string::npos) << shell << " lacks " << value;
    }
  }
  auto usage = parse({"completion"});
  EXPECT_EQ(usage.kind, CommandKind::Completion);
  EXPECT_NE(usage.text.find("datadog-traceroute completion [bash|zsh|fish|powershell]"), std::string::npos);
  EXPECT_THROW(parse({"completion", "tcsh"}), FlagError);
  EXPECT_NE(parse({"--help"}).text.find("  completion  "), std::string::npos);
}

#ifndef _WIN32
// Runs `script_body` in bash after sourcing the generated script; stdout.
std::string run_bash(const std::string& script_body, int* status) {
  auto dir = std::filesystem::temp_directory_path() / ("ddtr-completion-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto script = dir / "datadog-traceroute.bash";
  std::ofstream(script) << parse({"completion", "bash"}).text;
  auto body = dir / "body.sh";
  std::ofstream(body) << "source '" << script.string() << "'\n" << script_body;
  std::string out;
  if (FILE* pipe = ::popen(("bash -n '" + script.string() + "' && bash '" + body.string() + "' 2>&1").c_str(), "r")) {
    std::array<char, 512> buffer;
    while (std::fgets(buffer.data(), buffer.size(), pipe)) out += buffer.data();
    *status = ::pclose(pipe);
  }
  std::filesystem::remove_all(dir);
  return out;
}

std::string complete(const std::string& words, int cword) {
  int status = -1;
  std::string out = run_bash("COMP_WORDS=(" + words + ")\nCOMP_CWORD=" + std::to_string(cword) +
                                 "\n_datadog_traceroute\necho \"${COMPREPLY[*]}\"\n",
                             &status);
  EXPECT_EQ(status, 0) << out;
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

TEST(Completion, BashScriptParsesAndCompletes) {
  if (::access("/bin/bash", X_OK) != 0) GTEST_SKIP() << "no bash";
  int status = -1;
  EXPECT_EQ(run_bash("complete -p datadog-traceroute\n", &status),
            "complete -o default -F _datadog_traceroute datadog-traceroute\n");
  EXPECT_EQ(status, 0);
  EXPECT_EQ(complete("datadog-traceroute --proto ''", 2), "udp tcp icmp");
  EXPECT_EQ(complete("datadog-traceroute -P t", 2), "tcp");
  EXPECT_EQ(complete("datadog-traceroute --tcp-method p", 2), "prefer_sack");
  EXPECT_EQ(complete("datadog-traceroute --format j", 2), "json jsonl");
  EXPECT_EQ(complete("datadog-traceroute --format=te", 1), "--format=text");
  EXPECT_EQ(complete("datadog-traceroute --rev", 1), "--reverse-dns");
  EXPECT_EQ(complete("datadog-traceroute do", 1), "doctor");
  EXPECT_EQ(complete("datadog-traceroute completion f", 2), "fish");
  EXPECT_EQ(complete("datadog-traceroute -p ''", 2), "");  // a number: nothing to offer
}
#endif

TEST(Version, GoLineFirst) {
  std::string line = go_version_line();
  EXPECT_EQ(line.rfind("Version: 0.1.0 - Commit: ", 0), 0u) << line;
  EXPECT_NE(line.find(" - Build Date: "), std::string::npos) << line;
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

}  // namespace
}  // namespace ddtr::client
