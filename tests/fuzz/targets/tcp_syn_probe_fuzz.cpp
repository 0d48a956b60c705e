// TcpSynProbe::match, IPv4 and IPv6 strategies, on anything: SYN-ACKs and RSTs
// from the target, ICMP Time Exceeded quoting SYNs (check_match says what a
// claimed reply must satisfy).
#include "tests/fuzz/support/probe_checks.hpp"
#include "tests/fuzz/support/probe_fixtures.hpp"

using namespace ddtr;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Built once; match() is const, so nothing changes them afterwards.
  static const auto v4 = fuzz::sent_strategy<probes::TcpSynProbe>(fuzz::tcp_syn_config(false));
  static const auto v6 = fuzz::sent_strategy<probes::TcpSynProbe>(fuzz::tcp_syn_config(true));
  std::span<const std::uint8_t> packet(data, size);
  fuzz::check_match(v4, fuzz::target_address(false), packet);
  fuzz::check_match(v6, fuzz::target_address(true), packet);
  return 0;
}
