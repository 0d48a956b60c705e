// Go's JSON float formatting: strconv shortest round-trip digits, 'f' layout,
// 'e' below 1e-6 and from 1e21 with "e-07" trimmed to "e-7".
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "shared/common/error.hpp"
#include "shared/result/go_json.hpp"

namespace ddtr {
namespace {

struct Float64Case {
  double value;
  const char* go;
};

// Expected strings are what json.Marshal(float64) prints.
TEST(GoFloat64, MatchesEncodingJson) {
  const Float64Case cases[] = {
      {0, "0"},
      {-0.0, "-0"},
      {1, "1"},
      {3, "3"},
      {-2, "-2"},
      {0.412, "0.412"},
      {5.25, "5.25"},
      {12.345678, "12.345678"},
      {12.916666666666666, "12.916666666666666"},
      {0.1 + 0.2, "0.30000000000000004"},
      {-0.1 - 0.2, "-0.30000000000000004"},
      {-12.5, "-12.5"},
      {100, "100"},
      {1234567.875, "1234567.875"},
      {1e-6, "0.000001"},          // the cut-off itself is still 'f'
      {-1e-6, "-0.000001"},
      {1.5e-6, "0.0000015"},
      {9.99e-7, "9.99e-7"},
      {1e-7, "1e-7"},
      {-1e-7, "-1e-7"},
      {1.5e-10, "1.5e-10"},
      {1e-100, "1e-100"},
      {5e-324, "5e-324"},
      {1e20, "100000000000000000000"},
      {123456789012345680000.0, "123456789012345680000"},  // shortest digits, zero padded
      {-123456789012345680000.0, "-123456789012345680000"},
      {999999999999999900000.0, "999999999999999900000"},  // largest double below 1e21
      {1e21, "1e+21"},
      {-1e21, "-1e+21"},
      {1.2345e22, "1.2345e+22"},
      {123456789e20, "1.23456789e+28"},
      {1.7976931348623157e308, "1.7976931348623157e+308"},
      {9007199254740993.0, "9007199254740992"},
  };
  for (const auto& c : cases) EXPECT_EQ(go_format_float64(c.value), c.go) << c.go;
}

TEST(GoFloat64, NonFiniteIsAnEncodingError) {
  const auto message = [](double v) {
    try {
      go_format_float64(v);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::FailedEncoding);
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message(std::nan("")), "json: unsupported value: NaN");
  EXPECT_EQ(message(std::numeric_limits<double>::infinity()), "json: unsupported value: +Inf");
  EXPECT_EQ(message(-std::numeric_limits<double>::infinity()), "json: unsupported value: -Inf");
}

struct Float32Case {
  float value;
  const char* go;
};

// json.Marshal(float32): float32's own shortest digits, not float64's
// (float64(float32(0.2)) would print 0.20000000298023224).
TEST(GoFloat32, UsesFloat32ShortestDigits) {
  const Float32Case cases[] = {
      {0.0f, "0"},
      {0.2f, "0.2"},
      {0.25f, "0.25"},
      {1.0f, "1"},
      {1.0f / 3.0f, "0.33333334"},
      {2.0f / 3.0f, "0.6666667"},
      {0.1f, "0.1"},
      {-0.5f, "-0.5"},
      {static_cast<float>(7 - 3) / static_cast<float>(7), "0.5714286"},
      {1e-6f, "0.000001"},  // float32(abs) < 1e-6 is false for float32(1e-6)
      {1e-7f, "1e-7"},
      {1e20f, "100000000000000000000"},
      {1e21f, "1e+21"},
      {16777216.0f, "16777216"},
  };
  for (const auto& c : cases) EXPECT_EQ(go_format_float32(c.value), c.go) << c.go;
  EXPECT_THROW(go_format_float32(std::numeric_limits<float>::quiet_NaN()), Error);
}

}  // namespace
}  // namespace ddtr
