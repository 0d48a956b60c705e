// The Windows client's own pieces that need no daemon: which names --socket
// may open, the UTF-8/UTF-16 conversion every W call goes through, and the
// inputs that must not pass through the ANSI code page (DD_TRACEROUTE_SOCKET,
// --targets-file's path).
#include <gtest/gtest.h>
#include <windows.h>

#include <filesystem>
#include <fstream>

#include "client/batch_command.hpp"
#include "client/command_line.hpp"
#include "client/flags.hpp"
#include "client/windows/utf16.hpp"

namespace ddtr::client::windows {
namespace {

TEST(WindowsClientPipeName, OnlyLocalPipes) {
  EXPECT_TRUE(is_local_pipe_name("\\\\.\\pipe\\datadog-traceroute"));
  EXPECT_TRUE(is_local_pipe_name("\\\\.\\PIPE\\x"));  // the object manager ignores case
  EXPECT_FALSE(is_local_pipe_name("\\\\.\\pipe\\"));  // no name
  EXPECT_FALSE(is_local_pipe_name("\\\\server\\pipe\\datadog-traceroute"));  // remote
  EXPECT_FALSE(is_local_pipe_name("C:\\windows\\win.ini"));
  EXPECT_FALSE(is_local_pipe_name("\\\\.\\PhysicalDrive0"));
  EXPECT_FALSE(is_local_pipe_name("/run/datadog-traceroute/daemon.sock"));
  EXPECT_FALSE(is_local_pipe_name(""));
}

TEST(WindowsClientUtf16, RoundTrip) {
  std::string text = "\\\\.\\pipe\\tr\xc3\xa4" "ce-\xe2\x82\xac";  // "trä" "ce-€"
  std::wstring wide = utf16(text);
  EXPECT_EQ(wide, L"\\\\.\\pipe\\tr\u00e4ce-\u20ac");
  EXPECT_EQ(utf8(wide), text);
  EXPECT_EQ(utf16(""), L"");
  EXPECT_EQ(utf8(L""), "");
}

// Characters no single ANSI code page has together: Greek, Cyrillic, CJK.
const std::string kWideName = "\xce\xb1-\xd0\xb6-\xe8\xb7\xaf";  // "α-ж-路"

TEST(WindowsClientEnvironment, ReadsTheVariableAsUtf8) {
  const std::string pipe = "\\\\.\\pipe\\" + kWideName;
  ASSERT_TRUE(::SetEnvironmentVariableW(L"DDTR_TEST_SOCKET", utf16(pipe).c_str()));
  EXPECT_EQ(environment_variable("DDTR_TEST_SOCKET"), pipe);
  ASSERT_TRUE(::SetEnvironmentVariableW(L"DDTR_TEST_SOCKET", nullptr));
  EXPECT_EQ(environment_variable("DDTR_TEST_SOCKET"), std::nullopt);
}

TEST(WindowsClientTargetsFile, OpensAPathOutsideTheAnsiCodePage) {
  const std::string dir = testing::TempDir();
  const std::string path = dir + (dir.empty() || dir.back() == '\\' || dir.back() == '/' ? "" : "\\") +
                           "targets-" + kWideName + ".txt";
  {
    std::ofstream out(std::filesystem::path(utf16(path)));
    ASSERT_TRUE(out) << path;
    out << "# a comment\r\n203.0.113.5\r\n\r\n2001:db8::5\r\n";
  }
  EXPECT_EQ(read_targets_file(path), (std::vector<std::string>{"203.0.113.5", "2001:db8::5"}));
  ::DeleteFileW(utf16(path).c_str());
  EXPECT_THROW(read_targets_file(path), FlagError);
}

}  // namespace
}  // namespace ddtr::client::windows
