// The system PATH edits the MSI's configure/unconfigure make.
#include <gtest/gtest.h>

#include "windows-service/path_list.hpp"

namespace ddtr::winservice {
namespace {

const std::string kDir = "C:\\Program Files\\Datadog\\traceroute";

TEST(WindowsPathList, AddsOnce) {
  EXPECT_EQ(path_with("C:\\Windows\\system32;C:\\Windows", kDir), "C:\\Windows\\system32;C:\\Windows;" + kDir);
  EXPECT_EQ(path_with("C:\\Windows;", kDir), "C:\\Windows;" + kDir);
  EXPECT_EQ(path_with("", kDir), kDir);
  // Already there, whatever its case or a trailing backslash: unchanged.
  EXPECT_EQ(path_with("C:\\Windows;c:\\program files\\datadog\\TRACEROUTE\\", kDir),
            "C:\\Windows;c:\\program files\\datadog\\TRACEROUTE\\");
  EXPECT_EQ(path_with(path_with("C:\\Windows", kDir), kDir), "C:\\Windows;" + kDir);
}

TEST(WindowsPathList, RemovesEveryEntryNamingIt) {
  EXPECT_EQ(path_without("C:\\Windows;" + kDir, kDir), "C:\\Windows");
  EXPECT_EQ(path_without(kDir + ";C:\\Windows;" + kDir + "\\;D:\\bin", kDir), "C:\\Windows;D:\\bin");
  EXPECT_EQ(path_without("C:\\Windows;D:\\bin", kDir), "C:\\Windows;D:\\bin");
  // A longer directory that starts the same is another entry.
  EXPECT_EQ(path_without("C:\\Windows;" + kDir + "2", kDir), "C:\\Windows;" + kDir + "2");
  EXPECT_EQ(path_without(kDir, kDir), "");
  EXPECT_EQ(path_without(path_with("%SystemRoot%\\system32", kDir), kDir), "%SystemRoot%\\system32");
}

}  // namespace
}  // namespace ddtr::winservice
