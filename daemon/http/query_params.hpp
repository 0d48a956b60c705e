// The Go server's reading of GET /traceroute?...: Go's url.ParseQuery rules (the
// first value of a repeated key; pairs with a bad escape or a ';' dropped),
// strconv.Atoi with a silent fall back to the default, strconv.ParseBool. Pure,
// so it is unit-tested and fuzzed.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shared/common/trace_params.hpp"

namespace ddtr::http {

using QueryValues = std::map<std::string, std::vector<std::string>>;

// The request path as Go's url.ParseRequestURI leaves it in URL.Path, which
// the mux routes on: "%XX" decoded ("/trace%72oute" is /traceroute), "+" kept;
// nullopt for a bad escape (Go's server answers 400 Bad Request).
std::optional<std::string> path_unescape(std::string_view raw_path);

// url.ParseQuery, without its error (the Go server ignores it as r.URL.Query() does).
QueryValues parse_query(std::string_view raw_query);

// Throws Error(InvalidRequest, "missing required parameter: target").
TraceParams traceroute_params(const QueryValues& query);

}  // namespace ddtr::http
