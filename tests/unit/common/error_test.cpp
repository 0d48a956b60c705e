// The one error convention: Go's code names and the errno classification the
// Go server applies (ECONNREFUSED -> CONNREFUSED, ...).
#include <gtest/gtest.h>

#include <cerrno>

#include "shared/common/error.hpp"

namespace ddtr {
namespace {

TEST(ErrorCodes, NamesRoundTrip) {
  for (int i = 0; i <= static_cast<int>(ErrorCode::DaemonUnavailable); ++i) {
    auto code = static_cast<ErrorCode>(i);
    EXPECT_EQ(error_code_from_name(error_code_name(code)), code);
  }
  EXPECT_EQ(error_code_name(ErrorCode::ConnRefused), "CONNREFUSED");
  EXPECT_EQ(error_code_name(ErrorCode::InvalidRequest), "INVALID_REQUEST");
  EXPECT_FALSE(error_code_from_name("connrefused").has_value());
}

TEST(ErrorCodes, ErrnoClassificationAsTheGoServer) {
  EXPECT_EQ(error_code_from_errno(ECONNREFUSED), ErrorCode::ConnRefused);
  EXPECT_EQ(error_code_from_errno(EHOSTUNREACH), ErrorCode::HostUnreach);
  EXPECT_EQ(error_code_from_errno(ENETUNREACH), ErrorCode::NetUnreach);
  EXPECT_EQ(error_code_from_errno(EACCES), ErrorCode::Denied);
  EXPECT_EQ(error_code_from_errno(EPERM), ErrorCode::Denied);
  EXPECT_EQ(error_code_from_errno(ETIMEDOUT), ErrorCode::Timeout);
  EXPECT_EQ(error_code_from_errno(EIO), ErrorCode::Unknown);
}

TEST(Errors, ThrowErrnoCarriesCodeAndMessage) {
  try {
    throw_errno("failed to dial UDP 203.0.113.5", ENETUNREACH);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NetUnreach);
    // Go's syscall.Errno text is lower case (issue 19 item 1).
    EXPECT_STREQ(e.what(), "failed to dial UDP 203.0.113.5: network is unreachable");
    EXPECT_FALSE(e.is_not_supported());
  }
  auto ns = Error::not_supported(ErrorCode::ConnRefused, "x");
  Error copy = ns;
  EXPECT_TRUE(copy.is_not_supported());
}

TEST(Errors, GoErrnoTextIsLowerCase) {
  EXPECT_EQ(go_errno_text(ECONNREFUSED), "connection refused");
  EXPECT_EQ(go_errno_text(EHOSTUNREACH), "no route to host");
  EXPECT_EQ(go_errno_text(EPERM), "operation not permitted");
  EXPECT_EQ(go_errno_text(EACCES), "permission denied");
  EXPECT_EQ(go_errno_text(EADDRNOTAVAIL), "cannot assign requested address");
}

}  // namespace
}  // namespace ddtr
