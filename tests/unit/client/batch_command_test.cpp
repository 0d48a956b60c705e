#include "client/batch_command.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace ddtr::client {
namespace {

TEST(BatchCommand, TargetsFileSkipsBlanksAndComments) {
  std::string path = testing::TempDir() + "/targets.txt";
  std::ofstream(path) << "# routers\n203.0.113.5\n\n  2001:db8::5  \r\n#203.0.113.6\nhost.example:443\n";
  EXPECT_EQ(read_targets_file(path), (std::vector<std::string>{"203.0.113.5", "2001:db8::5", "host.example:443"}));
  EXPECT_THROW(read_targets_file(testing::TempDir() + "/no-such-targets.txt"), FlagError);
}

TEST(BatchCommand, ErrorLineNamesTheTarget) {
  EXPECT_EQ(batch_error_line("no-such-host.invalid", Error(ErrorCode::Dns, "failed to resolve <x>")),
            R"({"target":"no-such-host.invalid","error":{"code":"DNS","message":"failed to resolve \u003cx\u003e"}})");
}

}  // namespace
}  // namespace ddtr::client
