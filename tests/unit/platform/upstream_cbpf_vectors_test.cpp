// Conformance of the cBPF programs with upstream's TestClassicBPFFilters
// (issue 19 item 11): each packet through our program for the same filter, in
// the reference interpreter. The Ethernet header is stripped (our socket is
// SOCK_DGRAM; the ethertype comes from SKF_AD_PROTOCOL). Deviations are listed
// with their reason (docs/deviations.md) and must still differ.
#include <gtest/gtest.h>

#include <boost/asio/ip/address.hpp>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "platform/linux/cbpf_filters.hpp"
#include "tests/testutils/cbpf_interpreter.hpp"
#include "tests/testutils/upstream_vectors.hpp"

namespace ddtr::platform::linux_ {
namespace {

// Every program here starts with one dispatch that passes ICMP of both families
// (the routers' answers; TCP runs over IPv6 too); upstream's TCP program drops
// ICMPv6 and its SYN-ACK program all ICMP.
const std::map<std::string, std::string> kDeviations = {
    {"G-tcp-icmp6", "the TCP 4-tuple program accepts ICMPv6 (TCP over IPv6: a router's Time Exceeded)"},
    {"G-synack-icmp4", "the SYN-ACK program passes ICMP too (shared dispatch; SACK's handshake reader ignores it)"},
    {"G-synack-icmp6", "the SYN-ACK program passes ICMPv6 too (likewise)"},
};

std::vector<sock_filter> program_for(const testutils::UpstreamVector& v) {
  const std::string& prog = v.params.at("prog");
  if (prog == "drop") return drop_all_program();
  if (prog == "icmp") return build_cbpf_program({FilterType::Icmp, {}, {}});
  if (prog == "udp") return build_cbpf_program({FilterType::Udp, {}, {}});
  if (prog == "synack") return build_cbpf_program({FilterType::SynAck, {}, {}});
  auto endpoint = [&](const char* ip, const char* port) {
    return Endpoint{boost::asio::ip::make_address(v.params.at(ip)),
                    static_cast<std::uint16_t>(std::stoul(v.params.at(port)))};
  };
  return build_cbpf_program({FilterType::Tcp, endpoint("src", "sport"), endpoint("dst", "dport")});
}

TEST(UpstreamVectors, CbpfProgramsAgreeWithGoExceptTheListedDeviations) {
  auto expected = nlohmann::json::parse(std::ifstream(testutils::upstream_vectors_dir() + "expected.json"));
  int agree = 0, deviate = 0;
  for (const auto& v : testutils::load_upstream_vectors()) {
    if (v.kind != "cbpf") continue;
    SCOPED_TRACE(v.id);
    std::string want = expected.at(v.id).at("expect").at("word");
    auto packet = testutils::bytes_of_hex(v.hex);
    auto ethertype = static_cast<std::uint16_t>(std::stoul(v.params.at("eth")));
    std::string got = testutils::run_cbpf(program_for(v), packet, ethertype) == kAccept ? "accept" : "drop";
    if (kDeviations.count(v.id)) {
      EXPECT_NE(got, want) << "listed as a deviation but agrees with Go now";
      ++deviate;
    } else {
      EXPECT_EQ(got, want);
      ++agree;
    }
  }
  EXPECT_EQ(agree + deviate, 30);
  EXPECT_EQ(deviate, static_cast<int>(kDeviations.size()));
}

}  // namespace
}  // namespace ddtr::platform::linux_
