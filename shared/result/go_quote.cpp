// Go's encoding/json string encoder (appendString with escapeHTML = true, the
// default of both json.Marshal and json.Encoder), as of Go 1.22+.
#include <cstdint>
#include <string>

#include "shared/result/go_json.hpp"

namespace ddtr {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// utf8.DecodeRuneInString's validity rule: the length of the valid UTF-8
// sequence starting at text[i], or 0 when Go would return (RuneError, 1).
// The second byte's range excludes overlong forms, surrogates and > U+10FFFF.
std::size_t valid_sequence_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]); };
  const unsigned char lead = byte(0);
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xbf;  // accepted range of the second byte
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    if (lead == 0xe0) low = 0xa0;   // overlong
    if (lead == 0xed) high = 0x9f;  // surrogates
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    if (lead == 0xf0) low = 0x90;   // overlong
    if (lead == 0xf4) high = 0x8f;  // beyond U+10FFFF
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  if (byte(1) < low || byte(1) > high) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    if ((byte(k) & 0xc0) != 0x80) return 0;
  }
  return length;
}

void append_ascii(std::string& out, unsigned char c) {
  switch (c) {
    case '"': out += "\\\""; return;
    case '\\': out += "\\\\"; return;
    // Go 1.22 added \b and \f; older releases wrote \u0008 and \u000c.
    case '\b': out += "\\b"; return;
    case '\f': out += "\\f"; return;
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    default: break;
  }
  // Other control bytes, and the HTML-sensitive <, > and & (escapeHTML).
  if (c < 0x20 || c == '<' || c == '>' || c == '&') {
    out += "\\u00";
    out += kHex[c >> 4];
    out += kHex[c & 0xf];
    return;
  }
  out += static_cast<char>(c);  // includes DEL (0x7f), which Go leaves alone
}

}  // namespace

std::string go_quote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      append_ascii(out, c);
      ++i;
      continue;
    }
    const std::size_t length = valid_sequence_length(text, i);
    if (length == 0) {
      out += "\\ufffd";  // one replacement per invalid byte, as Go
      ++i;
      continue;
    }
    // U+2028 / U+2029 (E2 80 A8 / E2 80 A9) are escaped for JSONP safety.
    if (length == 3 && c == 0xe2 && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(text[i + 2]) & 0xfe) == 0xa8) {
      out += static_cast<unsigned char>(text[i + 2]) == 0xa8 ? "\\u2028" : "\\u2029";
    } else {
      out.append(text.substr(i, length));
    }
    i += length;
  }
  out += '"';
  return out;
}

}  // namespace ddtr
