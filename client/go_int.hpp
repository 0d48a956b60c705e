// Go's strconv.ParseInt(s, 0, bits), which pflag's int flags use: sign, base
// prefixes 0x/0o/0b, a leading 0 for octal, underscores between digits (base 0
// allows them in decimal too: "4_43" is 443).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ddtr::client {

enum class GoIntError { None, Syntax, Range };

struct GoIntResult {
  std::int64_t value = 0;
  GoIntError error = GoIntError::None;
};

GoIntResult parse_go_int(std::string_view text, int bits = 64);

// pflag's message: invalid argument "abc" for "-p, --port" flag: strconv.ParseInt: parsing "abc": invalid syntax
std::string go_int_flag_error(std::string_view text, std::string_view flag_names, GoIntError error);

}  // namespace ddtr::client
