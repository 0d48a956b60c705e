#include "tests/fuzz/support/probe_checks.hpp"

#include <linux/if_ether.h>

#include "platform/linux/cbpf_filters.hpp"
#include "tests/fuzz/support/check.hpp"
#include "tests/fuzz/support/probe_fixtures.hpp"
#include "tests/testutils/cbpf_interpreter.hpp"

namespace ddtr::fuzz {

std::uint16_t ethertype_of(std::span<const std::uint8_t> packet) {
  if (!packet.empty() && (packet[0] >> 4) == 6) return ETH_P_IPV6;
  return ETH_P_IP;
}

bool capture_filter_accepts(const platform::PacketFilterSpec& spec, std::span<const std::uint8_t> packet) {
  auto program = platform::linux_::build_cbpf_program(spec);
  if (program.empty()) return true;  // FilterType::None: no filter attached
  return testutils::run_cbpf(program, packet, ethertype_of(packet)) == platform::linux_::kAccept;
}

void check_match(const probes::ProbeStrategy& strategy, const IpAddress& target, std::span<const std::uint8_t> packet) {
  auto response = strategy.match(packet);
  if (!response) return;
  FUZZ_CHECK(response->ttl >= kMinTtl && response->ttl <= kLastSentTtl);
  FUZZ_CHECK(response->ip.is_v6() == target.is_v6());
  FUZZ_CHECK(!response->is_dest || response->ip == target);
  FUZZ_CHECK(capture_filter_accepts(strategy.filter(), packet));
}

}  // namespace ddtr::fuzz
