// Go-compatible JSON for the result document: the key order, null/omitempty
// rules, float formatting (shortest round-trip, ES6 exponent rule, float32 for
// the loss fraction) and string escaping (HTML-safe) of Go's encoding/json.
#pragma once

#include <string>
#include <string_view>

#include "shared/result/results.hpp"

namespace ddtr {

// indent = 2 reproduces the CLI (json.MarshalIndent(v, "", "  ")), indent = 0 the
// HTTP server's compact form. No trailing newline.
std::string to_go_json(const Results& results, int indent = 2);

// Exposed for tests and for other documents (HTTP errors) that must match Go.
std::string go_format_float64(double value);
std::string go_format_float32(float value);
std::string go_quote(std::string_view text);  // with the surrounding quotes

}  // namespace ddtr
