// The daemon's own checks of a trace request (it never trusts the client).
#include <gtest/gtest.h>

#include "daemon/engine/trace_job.hpp"

namespace ddtr::engine {
namespace {

using namespace std::string_literals;

ErrorCode rejection(const TraceParams& p) {
  try {
    validate_request(p);
  } catch (const Error& e) {
    return e.code();
  }
  ADD_FAILURE() << "accepted";
  return ErrorCode::Unknown;
}

TEST(ValidateRequest, AcceptsTheDefaults) {
  TraceParams p;
  p.hostname = "203.0.113.5";
  EXPECT_NO_THROW(validate_request(p));
}

TEST(ValidateRequest, RangesAndNames) {
  TraceParams p;
  p.hostname = "203.0.113.5";
  p.protocol = "sctp";
  EXPECT_EQ(rejection(p), ErrorCode::InvalidRequest);
  p = TraceParams{};
  p.port = 65536;
  EXPECT_EQ(rejection(p), ErrorCode::InvalidRequest);
  p = TraceParams{};
  p.timeout_ms = 0;
  EXPECT_EQ(rejection(p), ErrorCode::InvalidRequest);
}

// Upstream ignores the port for ICMP (issue 19 item 9): any value traces.
TEST(ValidateRequest, IcmpIgnoresThePort) {
  TraceParams p;
  p.hostname = "203.0.113.5";
  p.protocol = "icmp";
  for (int port : {65536, 99999, -1}) {
    p.port = port;
    EXPECT_NO_THROW(validate_request(p)) << port;
  }
  p.protocol = "udp";
  p.port = 65536;
  EXPECT_EQ(rejection(p), ErrorCode::InvalidRequest);
}

// Regression: C resolvers stop at a NUL, so "203.0.113.5\0.example" would have
// traced 203.0.113.5 while the daemon logged (and would police) the full name.
TEST(ValidateRequest, RefusesAHostnameWithANul) {
  TraceParams p;
  p.hostname = "203.0.113.5\0.allowed.example"s;
  EXPECT_EQ(rejection(p), ErrorCode::InvalidRequest);
  p.hostname = "\0"s;
  EXPECT_EQ(rejection(p), ErrorCode::InvalidRequest);
}

}  // namespace
}  // namespace ddtr::engine
