// The Go server's reading of GET /traceroute?...: Go's url.ParseQuery rules (the
// first value of a repeated key; pairs with a bad escape or a ';' dropped),
// strconv.Atoi with a silent fall back to the default, strconv.ParseBool. Pure,
// so it is unit-tested and fuzzed.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "shared/common/trace_params.hpp"

namespace ddtr::http {

using QueryValues = std::map<std::string, std::vector<std::string>>;

// url.ParseQuery, without its error (the Go server ignores it as r.URL.Query() does).
QueryValues parse_query(std::string_view raw_query);

// Throws Error(InvalidRequest, "missing required parameter: target").
TraceParams traceroute_params(const QueryValues& query);

}  // namespace ddtr::http
