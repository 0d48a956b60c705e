// %ProgramData% as the shell knows it, and the daemon's default paths under it
// (the policy file, the audit log, the MSI's data directory).
#include <gtest/gtest.h>
#include <windows.h>

#include "platform/default_paths.hpp"
#include "platform/windows/common/known_folder.hpp"
#include "platform/windows/common/utf16.hpp"
#include "windows-service/machine_setup.hpp"

namespace ddtr::platform::windows {
namespace {

TEST(WindowsKnownFolder, ProgramDataIsAnExistingDirectory) {
  std::string dir = program_data_directory();
  ASSERT_FALSE(dir.empty());
  EXPECT_NE(dir.back(), '\\');
  DWORD attributes = ::GetFileAttributesW(utf16(dir).c_str());
  ASSERT_NE(attributes, INVALID_FILE_ATTRIBUTES) << dir;
  EXPECT_TRUE(attributes & FILE_ATTRIBUTE_DIRECTORY) << dir;
}

TEST(WindowsKnownFolder, DefaultsLiveUnderIt) {
  const std::string base = program_data_directory();
  EXPECT_EQ(default_policy_path(), base + "\\Datadog\\traceroute\\daemon.json");
  EXPECT_EQ(default_audit_log_path(), base + "\\Datadog\\traceroute\\audit.log");
  EXPECT_EQ(winservice::data_directory(), base + "\\Datadog\\traceroute");
}

// A service's environment is not where Windows keeps the folder: a changed
// (or missing) ProgramData variable moves nothing.
TEST(WindowsKnownFolder, NotTheEnvironmentVariable) {
  const std::string before = program_data_directory();
  wchar_t saved[MAX_PATH] = {};
  DWORD n = ::GetEnvironmentVariableW(L"ProgramData", saved, MAX_PATH);
  ASSERT_TRUE(::SetEnvironmentVariableW(L"ProgramData", L"Z:\\not-program-data"));
  EXPECT_EQ(program_data_directory(), before);
  ::SetEnvironmentVariableW(L"ProgramData", n > 0 && n < MAX_PATH ? saved : nullptr);
}

}  // namespace
}  // namespace ddtr::platform::windows
