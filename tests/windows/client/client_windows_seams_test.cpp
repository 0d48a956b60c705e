// The Windows client's own pieces that need no daemon: which names --socket
// may open, and the UTF-8/UTF-16 conversion every W call goes through.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace ddtr::client::windows
