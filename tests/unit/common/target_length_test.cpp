// The longest target the daemon reads: DNS's 253 bytes, literals at their
// longest text, and the host:port forms.
#include "shared/common/target_length.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ddtr {
namespace {

std::string name_of(std::size_t bytes) {
  // Labels of 63 bytes and dots, exactly `bytes` long.
  std::string out;
  while (out.size() < bytes) {
    if (!out.empty()) out += '.';
    out += std::string(std::min<std::size_t>(63, bytes - out.size()), 'a');
  }
  out.resize(bytes);
  if (out.back() == '.') out.back() = 'b';
  return out;
}

TEST(TargetLength, NamesUpTo253Bytes) {
  EXPECT_FALSE(target_length_problem(name_of(253)));
  EXPECT_FALSE(target_length_problem(name_of(253) + "."));
  EXPECT_FALSE(target_length_problem(name_of(253) + ":65535"));
  EXPECT_FALSE(target_length_problem(name_of(253) + ".:65535"));
  auto problem = target_length_problem(name_of(254));
  ASSERT_TRUE(problem);
  EXPECT_EQ(*problem, "the host name is 254 bytes, longer than the 253 bytes it may have");
  EXPECT_TRUE(target_length_problem(name_of(254) + ":80"));
  EXPECT_TRUE(target_length_problem(name_of(200) + ":000080"));  // ports of at most 5 digits
}

TEST(TargetLength, LiteralsAtTheirLongestText) {
  const std::string longest = "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255";
  ASSERT_EQ(longest.size(), kMaxIpv6LiteralBytes);
  EXPECT_FALSE(target_length_problem(longest));
  EXPECT_FALSE(target_length_problem("[" + longest + "]:65535"));
  EXPECT_FALSE(target_length_problem("[" + longest + "%" + std::string(15, 'e') + "]:65535"));
  EXPECT_FALSE(target_length_problem("255.255.255.255:65535"));
  EXPECT_TRUE(target_length_problem("0000:" + longest));
  EXPECT_TRUE(target_length_problem("[" + longest + "%" + std::string(16, 'e') + "]:80"));
  EXPECT_TRUE(target_length_problem("[" + longest + "]:123456"));
}

TEST(TargetLength, ThirtyMegabytesAreRefusedByTheirSizeAlone) {
  std::string huge(30u << 20, 'a');
  auto problem = target_length_problem(huge);
  ASSERT_TRUE(problem);
  EXPECT_EQ(*problem, "the target is 31457280 bytes, longer than the 260 bytes it may have");
}

TEST(TargetLength, ClippedKeepsAPrefixAndTheLength) {
  EXPECT_EQ(clipped("short", 64), "short");
  EXPECT_EQ(clipped(std::string(100, 'x'), 4), "xxxx\u2026 (100 bytes)");
}

}  // namespace
}  // namespace ddtr
