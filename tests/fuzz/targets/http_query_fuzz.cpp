// The HTTP API's query reading on arbitrary bytes: Go's ParseQuery rules, then
// the /traceroute parameters. Only ddtr::Error("missing required parameter:
// target") may escape; every parsed target is a decoded non-empty value.
#include <string_view>

#include "daemon/http/query_params.hpp"
#include "shared/common/error.hpp"
#include "tests/fuzz/support/check.hpp"

using namespace ddtr;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  http::QueryValues values = http::parse_query(raw);
  for (const auto& [key, list] : values) FUZZ_CHECK(!list.empty());
  try {
    TraceParams params = http::traceroute_params(values);
    FUZZ_CHECK(!params.hostname.empty());
    FUZZ_CHECK(values.count("target") == 1 && values.at("target").front() == params.hostname);
  } catch (const Error& e) {
    FUZZ_CHECK(e.code() == ErrorCode::InvalidRequest);
    FUZZ_CHECK(std::string_view(e.what()) == "missing required parameter: target");
  }
  return 0;
}
