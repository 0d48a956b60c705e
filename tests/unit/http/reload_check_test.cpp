#include "daemon/http/reload_check.hpp"

#include <gtest/gtest.h>

#include "shared/common/error.hpp"

namespace ddtr::http {
namespace {

policy::HttpConfig http_of(const std::string& json) { return policy::parse_policy_config(json).http; }

const char* kDigest = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

TEST(HttpReloadCheck, JudgedAgainstTheBoundAddressNotTheNewFile) {
  policy::ListenAddress live = policy::parse_listen_address("192.0.2.5:3766");
  // The new file is valid on its own: its listen address is loopback.
  auto anonymous = http_of(R"({"http": {"enabled": true, "listen": "127.0.0.1:3765", "anonymous_role": "user"}})");
  try {
    check_http_reload(live, anonymous);
    FAIL() << "a reload that serves anonymous callers off loopback must be refused";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidRequest);
    EXPECT_NE(std::string(e.what()).find("the HTTP API is listening on 192.0.2.5:3766 until a restart"), std::string::npos)
        << e.what();
  }
  // Tokens but anonymous still served: refused too.
  auto half = http_of(std::string(R"({"http": {"tokens": [{"name": "ci", "sha256": ")") + kDigest + R"("}]}})");
  EXPECT_THROW(check_http_reload(live, half), Error);
  auto closed = http_of(std::string(R"({"http": {"anonymous_role": "denied", "tokens": [{"name": "ci", "sha256": ")") +
                        kDigest + R"("}]}})");
  EXPECT_NO_THROW(check_http_reload(live, closed));
}

TEST(HttpReloadCheck, ALoopbackListenerTakesAnyHttpPolicy) {
  // Even a file that now names a public address: it waits for a restart, and
  // the socket that listens is loopback.
  auto http = http_of(R"({"http": {"anonymous_role": "user"}})");
  http.listen = "0.0.0.0:3765";
  EXPECT_NO_THROW(check_http_reload(policy::parse_listen_address("127.0.0.1:3765"), http));
  EXPECT_NO_THROW(check_http_reload(policy::parse_listen_address("[::1]:3765"), http));
  EXPECT_NO_THROW(check_http_reload(static_cast<const HttpServer*>(nullptr), http)) << "the API is off";
}

}  // namespace
}  // namespace ddtr::http
