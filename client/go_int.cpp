#include "client/go_int.hpp"

namespace ddtr::client {
namespace {

int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return 99;
}

// Go's underscoreOK: underscores only between digits (or after the prefix) in
// a base-prefixed literal.
bool underscores_ok(std::string_view s) {
  char saw = '^';  // '^' start, '0' digit or prefix, '_' underscore, '!' other
  std::size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0') {
    char p = static_cast<char>(s[1] | 0x20);
    if (p == 'b' || p == 'o' || p == 'x') {
      hex = p == 'x';
      i = 2;
      saw = '0';
    }
  }
  for (; i < s.size(); ++i) {
    char c = s[i];
    if ((c >= '0' && c <= '9') || (hex && ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'))) {
      saw = '0';
      continue;
    }
    if (c == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    if (saw == '_') return false;
    saw = '!';
  }
  return saw != '_';
}

}  // namespace

GoIntResult parse_go_int(std::string_view text, int bits) {
  std::string_view s = text;
  if (s.empty()) return {0, GoIntError::Syntax};
  bool negative = false;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  int base = 10;
  bool prefixed = false;
  if (!s.empty() && s[0] == '0') {
    if (s.size() >= 3 && (s[1] | 0x20) == 'x') {
      base = 16, s.remove_prefix(2), prefixed = true;
    } else if (s.size() >= 3 && (s[1] | 0x20) == 'o') {
      base = 8, s.remove_prefix(2), prefixed = true;
    } else if (s.size() >= 3 && (s[1] | 0x20) == 'b') {
      base = 2, s.remove_prefix(2), prefixed = true;
    } else {
      base = 8, s.remove_prefix(1), prefixed = true;  // "0" alone is fine: no digits left
    }
  }
  if (s.empty() && !(prefixed && base == 8)) return {0, GoIntError::Syntax};
  bool underscores = false;
  unsigned __int128 value = 0;
  unsigned __int128 limit = static_cast<unsigned __int128>(1) << (bits - 1);  // |min|
  bool overflow = false;
  for (char c : s) {
    if (c == '_') {  // base 0 allows them in every base; underscoreOK judges their places
      underscores = true;
      continue;
    }
    int d = digit_value(c);
    if (d >= base) return {0, GoIntError::Syntax};
    value = value * static_cast<unsigned>(base) + static_cast<unsigned>(d);
    if (value > limit) overflow = true, value = limit + 1;
  }
  if (underscores && !underscores_ok(text)) return {0, GoIntError::Syntax};
  if (overflow || (!negative && value >= limit)) {
    auto max = static_cast<std::int64_t>(limit - 1);
    return {negative ? -max - 1 : max, GoIntError::Range};
  }
  if (negative && value == limit) return {static_cast<std::int64_t>(-static_cast<__int128>(limit)), GoIntError::None};
  auto v = static_cast<std::int64_t>(value);
  return {negative ? -v : v, GoIntError::None};
}

std::string go_int_flag_error(std::string_view text, std::string_view flag_names, GoIntError error) {
  std::string out = "invalid argument \"" + std::string(text) + "\" for \"" + std::string(flag_names) +
                    "\" flag: strconv.ParseInt: parsing \"" + std::string(text) + "\": ";
  out += error == GoIntError::Range ? "value out of range" : "invalid syntax";
  return out;
}

}  // namespace ddtr::client
