// The wrapping upstream's drivers and runner put around a run's error, so a
// failed trace reads word for word as the Go tool's (scripts grep for it):
//   udp:  could not generate udp traceroute results: SendProbe() failed: ...
//   icmp: could not generate icmp traceroute results: icmp traceroute failed: icmp traceroute failed: ...
//   sack: sack traceroute failed: SACK not supported for this target/source: sack traceroute failed to dial: ...
//   syn:  the error as it is (tcp.Traceroute returns TracerouteParallel's error unwrapped).
// (traceroute/runner.go, icmp/traceroute_icmp.go, sack/traceroute_sack.go at a318259.)
#pragma once

#include <string>
#include <string_view>

#include "shared/common/error.hpp"
#include "shared/common/ip_address.hpp"

namespace ddtr::engine {

// Go's netip.AddrPort text: "192.0.2.1:443", "[2001:db8::1]:443".
std::string go_addr_port(const Endpoint& endpoint);

// net.Dialer's failure inside sack's dialSackTCP, `why` in Go's words
// ("connect: connection refused", "i/o timeout"):
// "failed to dial T: dial tcp T: WHY".
std::string go_dial_error(const Endpoint& target, std::string_view why);

// The run's error with the wrapping of its protocol and TCP method; the code,
// the errno and "not supported" (prefer_sack's fallback signal) are kept.
Error wrap_run_error(std::string_view protocol, std::string_view tcp_method, const Error& error);

}  // namespace ddtr::engine
