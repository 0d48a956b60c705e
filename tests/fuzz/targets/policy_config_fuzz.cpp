// The daemon's policy file parser on arbitrary text: it may refuse with
// ddtr::Error (InvalidRequest, naming the key), nothing else, and never crash.
// A file it accepts must make a Policy that judges a request without throwing
// anything but ddtr::Error.
#include <string_view>

#include "daemon/policy/policy.hpp"
#include "shared/common/error.hpp"
#include "tests/fuzz/support/check.hpp"

using namespace ddtr;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  policy::PolicyConfig config;
  try {
    config = policy::parse_policy_config(text);
  } catch (const Error& e) {
    FUZZ_CHECK(e.code() == ErrorCode::InvalidRequest);
    FUZZ_CHECK(std::string_view(e.what()).substr(0, 7) == "config:");
    return 0;
  }
  for (const auto& limits : config.roles) {
    FUZZ_CHECK(limits.min_timeout_ms <= limits.max_timeout_ms);
    for (const auto& range : limits.ports) FUZZ_CHECK(range.first >= 1 && range.first <= range.last && range.last <= 65535);
  }
  policy::Policy rules(std::move(config));
  policy::Identity who;
  who.uid = 1000;
  who.user_name = "fuzz";
  TraceParams params;
  params.hostname = "203.0.113.5";
  try {
    rules.check_request(who, rules.role_of(who), params);
    rules.check_target(rules.role_of(who), "udp", Endpoint{boost::asio::ip::make_address("203.0.113.5"), 33434});
  } catch (const Error&) {
  }
  return 0;
}
