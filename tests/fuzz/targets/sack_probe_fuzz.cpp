// The SACK strategy's three readers of wire data, IPv4 and IPv6, on anything:
// is_handshake_synack (a SYN-ACK it takes must pass the SynAck capture filter
// the sack channel sets), sack_config_from_synack (fails only with
// ddtr::Error, and reads the handshake's numbers as documented), and
// SackProbe::match (check_match says what a claimed reply must satisfy).
#include "daemon/probes/wire/tcp_segment.hpp"
#include "tests/fuzz/support/check.hpp"
#include "tests/fuzz/support/probe_checks.hpp"
#include "tests/fuzz/support/probe_fixtures.hpp"

using namespace ddtr;

namespace {

void check_handshake(const probes::SackProbeConfig& config, std::span<const std::uint8_t> packet) {
  if (probes::is_handshake_synack(packet, config.local, config.target)) {
    FUZZ_CHECK(fuzz::capture_filter_accepts({platform::FilterType::SynAck, config.target, {}}, packet));
  }
  try {
    auto learned = probes::sack_config_from_synack(packet, config.local, config.target, fuzz::kMinTtl, fuzz::kMaxTtl);
    auto s = probes::parse_tcp_segment(packet);
    FUZZ_CHECK(s && (s->flags & (probes::kTcpSyn | probes::kTcpAck)) == (probes::kTcpSyn | probes::kTcpAck));
    FUZZ_CHECK(learned.init_seq == s->ack && learned.init_ack == s->seq + 1);
  } catch (const Error&) {
    // Not a usable SYN-ACK: the run reports it; any other exception is a bug.
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Built once; match() is const, so nothing changes them afterwards.
  static const auto v4 = fuzz::sent_strategy<probes::SackProbe>(fuzz::sack_config(false));
  static const auto v6 = fuzz::sent_strategy<probes::SackProbe>(fuzz::sack_config(true));
  std::span<const std::uint8_t> packet(data, size);
  for (bool family_v6 : {false, true}) check_handshake(fuzz::sack_config(family_v6), packet);
  fuzz::check_match(v4, fuzz::target_address(false), packet);
  fuzz::check_match(v6, fuzz::target_address(true), packet);
  return 0;
}
