// The cBPF programs, run by a reference interpreter on crafted packets, and
// loaded into the kernel to prove its verifier accepts them.
#include <gtest/gtest.h>
#include <linux/if_ether.h>
#include <sys/socket.h>

#include "daemon/probes/icmp/icmp_packet_build.hpp"
#include "platform/linux/cbpf_filters.hpp"
#include "platform/posix/unique_fd.hpp"
#include "shared/common/error.hpp"
#include "tests/testutils/cbpf_interpreter.hpp"
#include "tests/testutils/packets.hpp"

namespace ddtr::platform::linux_ {
namespace {

using boost::asio::ip::make_address;
using boost::asio::ip::make_address_v4;
using testutils::run_cbpf;
constexpr std::uint16_t kV4 = ETH_P_IP, kV6 = ETH_P_IPV6;

const auto kLocal = make_address_v4("192.0.2.5");
const auto kTarget = make_address_v4("203.0.113.5");

std::vector<std::uint8_t> tcp_v4(boost::asio::ip::address_v4 src, boost::asio::ip::address_v4 dst, std::uint16_t sport,
                                 std::uint16_t dport, std::uint8_t flags) {
  std::vector<std::uint8_t> tcp(20, 0);
  tcp[0] = static_cast<std::uint8_t>(sport >> 8), tcp[1] = static_cast<std::uint8_t>(sport);
  tcp[2] = static_cast<std::uint8_t>(dport >> 8), tcp[3] = static_cast<std::uint8_t>(dport);
  tcp[12] = 0x50;
  tcp[13] = flags;
  return testutils::ipv4_packet(src, dst, 6, tcp);
}

std::vector<std::uint8_t> ipv6_packet(std::uint8_t next_header, const std::vector<std::uint8_t>& payload,
                                      const std::string& src = "2001:db8::2", const std::string& dst = "2001:db8::1") {
  std::vector<std::uint8_t> p(40, 0);
  p[0] = 0x60;
  p[4] = static_cast<std::uint8_t>(payload.size() >> 8), p[5] = static_cast<std::uint8_t>(payload.size());
  p[6] = next_header;
  p[7] = 64;
  auto s = make_address(src).to_v6().to_bytes(), d = make_address(dst).to_v6().to_bytes();
  std::copy(s.begin(), s.end(), p.begin() + 8);
  std::copy(d.begin(), d.end(), p.begin() + 24);
  p.insert(p.end(), payload.begin(), payload.end());
  return p;
}

bool accepts(const std::vector<sock_filter>& prog, const std::vector<std::uint8_t>& packet, std::uint16_t proto) {
  return run_cbpf(prog, packet, proto) == kAccept;
}

TEST(CbpfIcmp, AcceptsIcmpOfBothFamiliesOnly) {
  auto prog = build_cbpf_program({FilterType::Icmp, {}, {}});
  auto echo = probes::build_icmp_echo_v4(kLocal, kTarget, 1, 1);
  EXPECT_TRUE(accepts(prog, echo, kV4));
  EXPECT_TRUE(accepts(prog, ipv6_packet(58, {3, 0, 0, 0, 0, 0, 0, 0}), kV6));
  std::vector<std::uint8_t> frag = {58, 0, 0, 0, 0, 0, 0, 1};  // fragment header, then ICMPv6
  EXPECT_TRUE(accepts(prog, ipv6_packet(44, frag), kV6));
  frag[0] = 6;
  EXPECT_FALSE(accepts(prog, ipv6_packet(44, frag), kV6));
  EXPECT_FALSE(accepts(prog, tcp_v4(kTarget, kLocal, 80, 1234, 0x12), kV4));
  EXPECT_FALSE(accepts(prog, testutils::ipv4_packet(kTarget, kLocal, 17, std::vector<std::uint8_t>(8)), kV4));
  EXPECT_FALSE(accepts(prog, ipv6_packet(17, std::vector<std::uint8_t>(8)), kV6));
  EXPECT_FALSE(accepts(prog, echo, 0x0806)) << "not IP at all (ARP)";
  EXPECT_FALSE(accepts(prog, std::vector<std::uint8_t>(5, 0x45), kV4)) << "truncated: out-of-bounds load drops";
}

TEST(CbpfUdp, AddsUdp) {
  auto prog = build_cbpf_program({FilterType::Udp, {}, {}});
  EXPECT_TRUE(accepts(prog, testutils::ipv4_packet(kTarget, kLocal, 17, std::vector<std::uint8_t>(8)), kV4));
  EXPECT_TRUE(accepts(prog, ipv6_packet(17, std::vector<std::uint8_t>(8)), kV6));
  EXPECT_TRUE(accepts(prog, probes::build_icmp_echo_v4(kLocal, kTarget, 1, 1), kV4));
  EXPECT_FALSE(accepts(prog, tcp_v4(kTarget, kLocal, 80, 1234, 0x12), kV4));
}

TEST(CbpfTcp, MatchesTheFourTupleAndLetsIcmpThrough) {
  PacketFilterSpec spec{FilterType::Tcp, Endpoint{kTarget, 443}, Endpoint{kLocal, 40000}};
  auto prog = build_cbpf_program(spec);
  EXPECT_TRUE(accepts(prog, tcp_v4(kTarget, kLocal, 443, 40000, 0x12), kV4));
  EXPECT_FALSE(accepts(prog, tcp_v4(make_address_v4("203.0.113.6"), kLocal, 443, 40000, 0x12), kV4));
  EXPECT_FALSE(accepts(prog, tcp_v4(kTarget, make_address_v4("192.0.2.99"), 443, 40000, 0x12), kV4));
  EXPECT_FALSE(accepts(prog, tcp_v4(kTarget, kLocal, 444, 40000, 0x12), kV4));
  EXPECT_FALSE(accepts(prog, tcp_v4(kTarget, kLocal, 443, 40001, 0x12), kV4));
  auto fragment = tcp_v4(kTarget, kLocal, 443, 40000, 0x12);
  fragment[7] = 0x10;  // non-first fragment
  EXPECT_FALSE(accepts(prog, fragment, kV4));
  EXPECT_TRUE(accepts(prog, probes::build_icmp_echo_v4(kLocal, kTarget, 1, 1), kV4));
  EXPECT_THROW(build_cbpf_program({FilterType::Tcp, {}, {}}), Error);
}

TEST(CbpfTcp, Ipv6TupleToo) {
  PacketFilterSpec spec{FilterType::Tcp, Endpoint{make_address("2001:db8::2"), 443},
                        Endpoint{make_address("2001:db8::1"), 40000}};
  auto prog = build_cbpf_program(spec);
  std::vector<std::uint8_t> tcp(20, 0);
  tcp[0] = 443 >> 8, tcp[1] = 443 & 0xff, tcp[2] = 40000 >> 8, tcp[3] = 40000 & 0xff, tcp[12] = 0x50;
  EXPECT_TRUE(accepts(prog, ipv6_packet(6, tcp), kV6));
  EXPECT_FALSE(accepts(prog, ipv6_packet(6, tcp, "2001:db8::3"), kV6));
  EXPECT_FALSE(accepts(prog, tcp_v4(kTarget, kLocal, 443, 40000, 0x12), kV4)) << "v4 never matches a v6 tuple";
}

TEST(CbpfSynAck, OnlySynAckFromTheTarget) {
  auto prog = build_cbpf_program({FilterType::SynAck, Endpoint{kTarget, 443}, {}});
  EXPECT_TRUE(accepts(prog, tcp_v4(kTarget, kLocal, 443, 1, 0x12), kV4));
  EXPECT_FALSE(accepts(prog, tcp_v4(kTarget, kLocal, 443, 1, 0x02), kV4)) << "SYN alone";
  EXPECT_FALSE(accepts(prog, tcp_v4(kTarget, kLocal, 443, 1, 0x10), kV4)) << "ACK alone";
  EXPECT_FALSE(accepts(prog, tcp_v4(kTarget, kLocal, 80, 1, 0x12), kV4)) << "another port";
}

TEST(CbpfReplyCapture, IcmpOfBothFamiliesAndTcpThatAnswersASyn) {
  auto prog = build_reply_capture_program();
  EXPECT_TRUE(accepts(prog, probes::build_icmp_echo_v4(kLocal, kTarget, 1, 1), kV4));
  EXPECT_TRUE(accepts(prog, ipv6_packet(58, {3, 0, 0, 0, 0, 0, 0, 0}), kV6));
  std::vector<std::uint8_t> frag = {58, 0, 0, 0, 0, 0, 0, 1};
  EXPECT_TRUE(accepts(prog, ipv6_packet(44, frag), kV6)) << "ICMPv6 after a fragment header";
  // From any address to any port: routing to the run is the demux's job.
  EXPECT_TRUE(accepts(prog, tcp_v4(kTarget, kLocal, 443, 40000, 0x12), kV4)) << "SYN-ACK";
  EXPECT_TRUE(accepts(prog, tcp_v4(make_address_v4("198.51.100.1"), kLocal, 1, 2, 0x14), kV4)) << "RST-ACK";
  EXPECT_TRUE(accepts(prog, tcp_v4(kTarget, kLocal, 80, 40000, 0x04), kV4)) << "bare RST";
  EXPECT_FALSE(accepts(prog, tcp_v4(kTarget, kLocal, 443, 40000, 0x10), kV4)) << "ACK: data traffic";
  EXPECT_FALSE(accepts(prog, tcp_v4(kTarget, kLocal, 443, 40000, 0x18), kV4)) << "PSH-ACK";
  EXPECT_FALSE(accepts(prog, tcp_v4(kTarget, kLocal, 443, 40000, 0x02), kV4)) << "someone's SYN";
  EXPECT_FALSE(accepts(prog, tcp_v4(kTarget, kLocal, 443, 40000, 0x11), kV4)) << "FIN-ACK";
  auto fragment = tcp_v4(kTarget, kLocal, 443, 40000, 0x12);
  fragment[7] = 0x10;  // non-first fragment
  EXPECT_FALSE(accepts(prog, fragment, kV4));
  // IPv4 options move the TCP header: flags are read relative to IHL.
  std::vector<std::uint8_t> with_options = tcp_v4(kTarget, kLocal, 443, 40000, 0x10);
  with_options.insert(with_options.begin() + 20, {1, 1, 1, 1});
  with_options[0] = 0x46;
  with_options[20 + 4 + 13] = 0x10;
  with_options[20 + 13] = 0x12;  // where a fixed-offset program would look
  EXPECT_FALSE(accepts(prog, with_options, kV4));
  with_options[20 + 4 + 13] = 0x12;
  EXPECT_TRUE(accepts(prog, with_options, kV4));
  std::vector<std::uint8_t> tcp(20, 0);
  tcp[12] = 0x50;
  tcp[13] = 0x12;
  EXPECT_TRUE(accepts(prog, ipv6_packet(6, tcp), kV6));
  tcp[13] = 0x18;
  EXPECT_FALSE(accepts(prog, ipv6_packet(6, tcp), kV6));
  EXPECT_FALSE(accepts(prog, testutils::ipv4_packet(kTarget, kLocal, 17, std::vector<std::uint8_t>(8)), kV4));
  EXPECT_FALSE(accepts(prog, ipv6_packet(17, std::vector<std::uint8_t>(8)), kV6));
  EXPECT_FALSE(accepts(prog, probes::build_icmp_echo_v4(kLocal, kTarget, 1, 1), 0x0806)) << "ARP";
  auto cut = tcp_v4(kTarget, kLocal, 443, 40000, 0x12);
  cut.resize(30);
  EXPECT_FALSE(accepts(prog, cut, kV4)) << "TCP header cut off: the out-of-bounds load drops";
}

TEST(CbpfKernel, VerifierAcceptsEveryProgram) {
  UniqueFd fd(::socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_ALL)));
  if (!fd.valid()) GTEST_SKIP() << "needs CAP_NET_RAW for a packet socket";
  std::vector<PacketFilterSpec> specs = {
      {FilterType::Icmp, {}, {}},
      {FilterType::Udp, {}, {}},
      {FilterType::Tcp, Endpoint{kTarget, 443}, Endpoint{kLocal, 40000}},
      {FilterType::Tcp, Endpoint{make_address("2001:db8::2"), 443}, Endpoint{make_address("2001:db8::1"), 1}},
      {FilterType::SynAck, Endpoint{kTarget, 443}, {}},
  };
  for (const auto& spec : specs) {
    auto prog = build_cbpf_program(spec);
    sock_fprog fprog{static_cast<unsigned short>(prog.size()), prog.data()};
    EXPECT_EQ(::setsockopt(fd.get(), SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof fprog), 0)
        << "filter type " << static_cast<int>(spec.type) << ": " << std::strerror(errno);
  }
  auto reply = build_reply_capture_program();
  sock_fprog reply_prog{static_cast<unsigned short>(reply.size()), reply.data()};
  EXPECT_EQ(::setsockopt(fd.get(), SOL_SOCKET, SO_ATTACH_FILTER, &reply_prog, sizeof reply_prog), 0)
      << "reply capture: " << std::strerror(errno);
  auto drop = drop_all_program();
  sock_fprog fprog{static_cast<unsigned short>(drop.size()), drop.data()};
  EXPECT_EQ(::setsockopt(fd.get(), SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof fprog), 0);
}

}  // namespace
}  // namespace ddtr::platform::linux_
