#include "daemon/engine/go_error_text.hpp"

#include <gtest/gtest.h>

#include <boost/asio/ip/address.hpp>
#include <cerrno>

namespace ddtr::engine {
namespace {

Endpoint endpoint(const char* ip, std::uint16_t port) { return {boost::asio::ip::make_address(ip), port}; }

// Expected strings as the Go tool prints them (traceroute/runner.go,
// icmp/traceroute_icmp.go, sack/traceroute_sack.go wrap in these words).
TEST(GoErrorText, UdpAndIcmpCarryTheRunnersPrefixes) {
  Error send(ErrorCode::NetUnreach, "SendProbe() failed: sendto: network is unreachable");
  EXPECT_STREQ(wrap_run_error("udp", "", send).what(),
               "could not generate udp traceroute results: SendProbe() failed: sendto: network is unreachable");
  EXPECT_STREQ(wrap_run_error("icmp", "", send).what(),
               "could not generate icmp traceroute results: icmp traceroute failed: icmp traceroute failed: "
               "SendProbe() failed: sendto: network is unreachable");
  EXPECT_EQ(wrap_run_error("udp", "", send).code(), ErrorCode::NetUnreach);
  // tcp syn: TracerouteParallel's error is returned as it is.
  EXPECT_STREQ(wrap_run_error("tcp", "syn", send).what(), send.what());
}

TEST(GoErrorText, SackDialFailureReadsAsGos) {
  Endpoint target = endpoint("203.0.113.5", 80);
  Error dial = Error::not_supported(ErrorCode::ConnRefused,
                                    "sack traceroute failed to dial: " +
                                        go_dial_error(target, "connect: " + go_errno_text(ECONNREFUSED)));
  Error wrapped = wrap_run_error("tcp", "sack", dial);
  EXPECT_STREQ(wrapped.what(),
               "sack traceroute failed: SACK not supported for this target/source: sack traceroute failed to dial: "
               "failed to dial 203.0.113.5:80: dial tcp 203.0.113.5:80: connect: connection refused");
  EXPECT_TRUE(wrapped.is_not_supported());  // prefer_sack still falls back on it
  EXPECT_EQ(wrapped.code(), ErrorCode::ConnRefused);
  Error send(ErrorCode::Unknown, "SendProbe() failed: x");
  EXPECT_STREQ(wrap_run_error("tcp", "prefer_sack", send).what(),
               "sack traceroute failed: sack traceroute failed: SendProbe() failed: x");
}

TEST(GoErrorText, AddrPortBracketsIpv6) {
  EXPECT_EQ(go_addr_port(endpoint("2001:db8::1", 443)), "[2001:db8::1]:443");
  EXPECT_EQ(go_addr_port(endpoint("192.0.2.1", 33434)), "192.0.2.1:33434");
}

}  // namespace
}  // namespace ddtr::engine
