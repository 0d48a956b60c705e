// Go's encoding/json float encoder (floatEncoder.encode), for float64 and float32.
#include <charconv>
#include <cmath>
#include <string>

#include "shared/common/error.hpp"
#include "shared/result/go_json.hpp"

namespace ddtr {
namespace {

// A finite value as its shortest round-trip decimal digits: value = 0.d1d2... x 10^point.
struct Decimal {
  bool negative = false;
  std::string digits;  // no leading zeros, except the single "0" of zero
  int point = 0;       // position of the decimal point relative to the digits
};

// std::to_chars in scientific form is the only shortest round-trip source we
// have; we take its digits and exponent and lay them out ourselves. We cannot
// use chars_format::fixed: for large values it prints the exact binary value
// (1.2345678901234568e20 -> "123456789012345683968") where Go pads the shortest
// digits with zeros ("123456789012345680000").
template <typename Float>
Decimal shortest_decimal(Float value) {
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
  std::string_view text(buffer, static_cast<std::size_t>(result.ptr - buffer));
  Decimal d;
  if (!text.empty() && text.front() == '-') {
    d.negative = true;
    text.remove_prefix(1);
  }
  std::size_t e = text.find('e');
  for (char c : text.substr(0, e)) {
    if (c != '.') d.digits += c;
  }
  std::string_view exponent = text.substr(e + 1);
  if (!exponent.empty() && exponent.front() == '+') exponent.remove_prefix(1);
  int exp10 = 0;
  std::from_chars(exponent.data(), exponent.data() + exponent.size(), exp10);
  d.point = exp10 + 1;  // one digit before the point in scientific form
  return d;
}

// strconv.FormatFloat(v, 'f', -1, bits): every shortest digit, zero padding
// on either side, no exponent and no decimal point for integral values.
std::string layout_fixed(const Decimal& d) {
  std::string out = d.negative ? "-" : "";
  const int n = static_cast<int>(d.digits.size());
  if (d.point <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-d.point), '0');
    out += d.digits;
  } else if (d.point >= n) {
    out += d.digits;
    out.append(static_cast<std::size_t>(d.point - n), '0');
  } else {
    out.append(d.digits, 0, static_cast<std::size_t>(d.point));
    out += '.';
    out.append(d.digits, static_cast<std::size_t>(d.point), std::string::npos);
  }
  return out;
}

template <typename Float>
std::string format_float(Float value) {
  if (std::isnan(value) || std::isinf(value)) {
    // Go: UnsupportedValueError{v, strconv.FormatFloat(f, 'g', -1, bits)}.
    const char* spelled = std::isnan(value) ? "NaN" : value > 0 ? "+Inf" : "-Inf";
    throw Error(ErrorCode::FailedEncoding, std::string("json: unsupported value: ") + spelled);
  }
  // ES6 number-to-string cut-offs, compared in the value's own precision as Go
  // does (float32(abs) < 1e-6 for float32).
  const Float magnitude = std::fabs(value);
  const bool exponent = magnitude != 0 && (magnitude < Float(1e-6) || magnitude >= Float(1e21));
  if (!exponent) return layout_fixed(shortest_decimal(value));

  // strconv 'e' with precision -1 writes a two-digit minimum exponent, exactly
  // like to_chars; Go's JSON encoder then turns "e-07" into "e-7" (but keeps "e+21").
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
  std::string out(buffer, result.ptr);
  const std::size_t n = out.size();
  if (n >= 4 && out[n - 4] == 'e' && out[n - 3] == '-' && out[n - 2] == '0') out.erase(n - 2, 1);
  return out;
}

}  // namespace

std::string go_format_float64(double value) { return format_float(value); }
std::string go_format_float32(float value) { return format_float(value); }

}  // namespace ddtr
