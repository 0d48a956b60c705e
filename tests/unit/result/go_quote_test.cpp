// Go's encoding/json string escaping with escapeHTML (the default).
#include <gtest/gtest.h>

#include <string>

#include "shared/result/go_json.hpp"

namespace ddtr {
namespace {

struct QuoteCase {
  std::string input;
  std::string go;  // json.Marshal(input), quotes included
};

TEST(GoQuote, MatchesEncodingJson) {
  const QuoteCase cases[] = {
      {"", R"("")"},
      {"plain", R"("plain")"},
      {"dns.google.", R"("dns.google.")"},
      {"a\"b", R"("a\"b")"},
      {"a\\b", R"("a\\b")"},
      {"/", R"("/")"},  // Go does not escape the solidus
      {"\n\r\t", R"("\n\r\t")"},
      {"\b\f", R"("\b\f")"},  // Go >= 1.22
      {std::string("\0", 1), R"("\u0000")"},
      {"\x01\x1f", R"("\u0001\u001f")"},
      {"\x0b", R"("\u000b")"},
      {"\x7f", "\"\x7f\""},  // DEL passes through
      {"<a&b>", R"("\u003ca\u0026b\u003e")"},
      {"caf\xc3\xa9", "\"caf\xc3\xa9\""},
      {"\xe2\x82\xac", "\"\xe2\x82\xac\""},          // U+20AC, 3 bytes
      {"\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\""},  // U+1F600, 4 bytes
      {"\xe2\x80\xa8\xe2\x80\xa9", R"("\u2028\u2029")"},
      {"bad\xff", R"("bad\ufffd")"},
      {"\xc3", R"("\ufffd")"},                      // truncated sequence
      {"\xe2\x82", R"("\ufffd\ufffd")"},            // truncated: each byte replaced
      {"\xc0\xaf", R"("\ufffd\ufffd")"},            // overlong 2-byte
      {"\xe0\x80\xaf", R"("\ufffd\ufffd\ufffd")"},  // overlong 3-byte
      {"\xed\xa0\x80", R"("\ufffd\ufffd\ufffd")"},  // UTF-16 surrogate
      {"\xf4\x90\x80\x80", R"("\ufffd\ufffd\ufffd\ufffd")"},  // above U+10FFFF
      {"\x80x", R"("\ufffdx")"},                    // lone continuation byte
      {"\xe2(", R"("\ufffd(")"},                    // lead byte then ASCII
  };
  for (const auto& c : cases) EXPECT_EQ(go_quote(c.input), c.go) << c.go;
}

}  // namespace
}  // namespace ddtr
