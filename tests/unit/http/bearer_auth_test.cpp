#include "daemon/http/bearer_auth.hpp"

#include <gtest/gtest.h>

#include "shared/common/error.hpp"

namespace ddtr::http {
namespace {

policy::HttpConfig with_token(const std::string& digest) {
  return policy::parse_policy_config(R"({"http": {"anonymous_role": "denied", "tokens": [
      {"name": "ci", "sha256": ")" + digest + R"(", "role": "admin"}]}})")
      .http;
}

TEST(BearerAuth, AnonymousGetsTheAnonymousRole) {
  policy::HttpConfig http;
  auto who = authenticate(http, "");
  EXPECT_EQ(who.name, "http");
  EXPECT_EQ(who.role.role, policy::Role::User);
  EXPECT_EQ(who.role.rule, "http.anonymous_role");
}

TEST(BearerAuth, UnknownOrMalformedIsUnauthorized) {
  auto http = with_token("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");  // sha256("abc")
  EXPECT_THROW(authenticate(http, "Bearer abcd"), Error);
  EXPECT_THROW(authenticate(http, "Bearer "), Error);
  try {
    authenticate(http, "Bearer nope");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Unauthorized);
    EXPECT_STREQ(e.what(), "unknown bearer token");
  }
  try {
    authenticate(http, "Basic dXNlcjpwYXNz");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Unauthorized);
    EXPECT_STREQ(e.what(), "the Authorization header must be \"Bearer TOKEN\"");
  }
}

TEST(BearerAuth, TheRightTokenGivesItsRole) {
  // sha256("abc") is a published test vector.
  auto http = with_token("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  auto who = authenticate(http, "Bearer abc");
  EXPECT_EQ(who.name, "http:ci");
  EXPECT_EQ(who.role.role, policy::Role::Admin);
  EXPECT_EQ(who.role.rule, "http.tokens[ci]");
}

}  // namespace
}  // namespace ddtr::http
