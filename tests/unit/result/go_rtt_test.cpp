#include "shared/result/go_rtt.hpp"

#include <gtest/gtest.h>

#include "shared/result/go_json.hpp"

namespace ddtr {
namespace {

using std::chrono::nanoseconds;

// Vectors computed the Go way ((float64(s) + float64(ns)/1e9) * 1000, printed
// shortest round-trip); the first five differ from ns / 1e6.
TEST(GoRtt, MillisecondsAsGoComputesThem) {
  struct Case {
    long long ns;
    const char* go;
  } cases[] = {
      {12345678, "12.345678000000001"}, {2028277858, "2028.2778580000002"}, {901749038, "901.7490379999999"},
      {1674216078, "1674.2160780000002"}, {1858720391, "1858.7203909999998"}, {1000000, "1"},
      {3, "0.000003"},                   {1500123457, "1500.123457"},         {7654321, "7.654321"},
      {999999999, "999.999999"},         {20000001, "20.000001"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(go_format_float64(go_duration_ms(nanoseconds(c.ns))), c.go) << c.ns << " ns";
  }
}

TEST(GoRtt, EqualDurationsPrintEqualStrings) {
  EXPECT_EQ(go_format_float64(go_duration_ms(std::chrono::microseconds(12345) + nanoseconds(678))),
            go_format_float64(go_duration_ms(nanoseconds(12345678))));
}

}  // namespace
}  // namespace ddtr
