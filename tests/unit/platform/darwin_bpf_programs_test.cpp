// The macOS cBPF programs on whole frames (Ethernet, the DLT_NULL family
// header in both byte orders, raw IP), run by the reference interpreter;
// checked against XNU's bpf_validate() rules and Linux's verifier; and held to
// the same verdicts as the Linux programs on the same IP packets.
#include <gtest/gtest.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "daemon/probes/icmp/icmp_packet_build.hpp"
#include "platform/darwin/bpf_programs.hpp"
#include "platform/linux/cbpf_filters.hpp"
#include "platform/posix/unique_fd.hpp"
#include "shared/common/error.hpp"
#include "tests/testutils/cbpf_interpreter.hpp"
#include "tests/testutils/packets.hpp"
#include "tests/unit/platform/darwin_frames.hpp"

namespace ddtr::platform::darwin {
namespace {

// The restated encoding is the real one (Linux's headers here; bpf_device.cpp
// checks <net/bpf.h> the same way on macOS).
static_assert(op::kLd == BPF_LD && op::kLdx == BPF_LDX && op::kJmp == BPF_JMP && op::kRet == BPF_RET &&
              op::kAlu == BPF_ALU);
static_assert(op::kW == BPF_W && op::kH == BPF_H && op::kB == BPF_B);
static_assert(op::kImm == BPF_IMM && op::kAbs == BPF_ABS && op::kInd == BPF_IND && op::kMsh == BPF_MSH);
static_assert(op::kJa == BPF_JA && op::kJeq == BPF_JEQ && op::kJge == BPF_JGE && op::kJset == BPF_JSET);
static_assert(op::kAnd == BPF_AND && op::kK == BPF_K);
static_assert(sizeof(BpfInsn) == sizeof(sock_filter) && offsetof(BpfInsn, k) == offsetof(sock_filter, k));

using boost::asio::ip::make_address;
using boost::asio::ip::make_address_v4;
using boost::asio::ip::make_address_v6;

const auto kLocal = make_address_v4("192.0.2.5");
const auto kTarget = make_address_v4("203.0.113.5");
const auto kLocal6 = make_address_v6("2001:db8::1");
const auto kTarget6 = make_address_v6("2001:db8::2");

std::vector<sock_filter> as_sock_filter(const std::vector<BpfInsn>& program) {
  std::vector<sock_filter> out;
  for (const auto& i : program) out.push_back({i.code, i.jt, i.jf, i.k});
  return out;
}

// XNU's bpf_validate() (bsd/net/bpf_filter.c), restated: what BIOCSETF refuses.
bool xnu_accepts(const std::vector<BpfInsn>& f) {
  if (f.empty() || f.size() > kBsdMaxInstructions) return false;
  const std::uint32_t maxbufsize = 0x80000;  // BPF_MAXBUFSIZE, the sysctl's default ceiling
  for (std::size_t i = 0; i < f.size(); ++i) {
    const auto& p = f[i];
    switch (BPF_CLASS(p.code)) {
      case BPF_LD:
      case BPF_LDX:
        switch (BPF_MODE(p.code)) {
          case BPF_IMM: case BPF_LEN: break;
          case BPF_ABS: case BPF_IND: case BPF_MSH: if (p.k >= maxbufsize) return false; break;
          case BPF_MEM: if (p.k >= BPF_MEMWORDS) return false; break;
          default: return false;
        }
        break;
      case BPF_ST: case BPF_STX: if (p.k >= BPF_MEMWORDS) return false; break;
      case BPF_ALU:
        if (BPF_OP(p.code) == BPF_DIV && BPF_SRC(p.code) == BPF_K && p.k == 0) return false;
        break;
      case BPF_JMP: {
        std::size_t from = i + 1;
        if (BPF_OP(p.code) == BPF_JA) {
          if (from + p.k >= f.size()) return false;
        } else if (from + p.jt >= f.size() || from + p.jf >= f.size()) {
          return false;
        }
        break;
      }
      case BPF_RET: case BPF_MISC: break;
      default: return false;
    }
  }
  return BPF_CLASS(f.back().code) == BPF_RET;
}

struct Link {
  const char* name;
  LinkType type;
  bool network_order;  // for the family header
};
void PrintTo(const Link& link, std::ostream* os) { *os << link.name; }

class DarwinBpfPrograms : public ::testing::TestWithParam<Link> {
 protected:
  std::vector<std::uint8_t> frame(const std::vector<std::uint8_t>& ip) const {
    return crafted::frame_for(GetParam().type, ip, (ip[0] >> 4) == 6, GetParam().network_order);
  }
  bool accepts(const PacketFilterSpec& spec, const std::vector<std::uint8_t>& ip) const {
    return accepts_frame(spec, frame(ip));
  }
  bool accepts_frame(const PacketFilterSpec& spec, const std::vector<std::uint8_t>& f) const {
    auto program = as_sock_filter(build_bpf_program(spec, GetParam().type));
    return testutils::run_cbpf(program, f, 0) == kAccept;  // no ancillary loads: the protocol argument is unused
  }
};

std::vector<std::uint8_t> tcp_v4(boost::asio::ip::address_v4 src, boost::asio::ip::address_v4 dst,
                                 std::uint16_t sport, std::uint16_t dport, std::uint8_t flags, int option_words = 0) {
  std::vector<std::uint8_t> tcp(20, 0);
  tcp[0] = static_cast<std::uint8_t>(sport >> 8), tcp[1] = static_cast<std::uint8_t>(sport);
  tcp[2] = static_cast<std::uint8_t>(dport >> 8), tcp[3] = static_cast<std::uint8_t>(dport);
  tcp[12] = 0x50;
  tcp[13] = flags;
  auto p = testutils::ipv4_packet(src, dst, 6, tcp);
  if (option_words > 0) {  // IPv4 options (NOPs): the TCP header moves, X must follow IHL
    p.insert(p.begin() + 20, static_cast<std::size_t>(option_words) * 4, 1);
    p[0] = static_cast<std::uint8_t>(0x45 + option_words);
    auto total = static_cast<std::uint16_t>(p.size());
    p[2] = static_cast<std::uint8_t>(total >> 8), p[3] = static_cast<std::uint8_t>(total);
  }
  return p;
}

std::vector<std::uint8_t> tcp_v6(const boost::asio::ip::address_v6& src, const boost::asio::ip::address_v6& dst,
                                 std::uint16_t sport, std::uint16_t dport, std::uint8_t flags) {
  std::vector<std::uint8_t> tcp(20, 0);
  tcp[0] = static_cast<std::uint8_t>(sport >> 8), tcp[1] = static_cast<std::uint8_t>(sport);
  tcp[2] = static_cast<std::uint8_t>(dport >> 8), tcp[3] = static_cast<std::uint8_t>(dport);
  tcp[12] = 0x50;
  tcp[13] = flags;
  return testutils::ipv6_packet(src, dst, 6, tcp);
}

std::vector<std::uint8_t> udp_v4() { return testutils::ipv4_packet(kTarget, kLocal, 17, std::vector<std::uint8_t>(8)); }
std::vector<std::uint8_t> udp_v6() {
  return testutils::ipv6_packet(kTarget6, kLocal6, 17, std::vector<std::uint8_t>(8));
}
std::vector<std::uint8_t> icmp_v4() { return probes::build_icmp_echo_v4(kLocal, kTarget, 1, 1); }
std::vector<std::uint8_t> icmp_v6() { return testutils::icmpv6_echo_reply(kTarget6, kLocal6, 1, 1); }
std::vector<std::uint8_t> icmp_v6_after_fragment(std::uint8_t inner = 58) {
  return testutils::ipv6_packet(kTarget6, kLocal6, 44, {inner, 0, 0, 0, 0, 0, 0, 1, 129, 0, 0, 0});
}

TEST_P(DarwinBpfPrograms, IcmpAcceptsIcmpOfBothFamiliesOnly) {
  PacketFilterSpec spec{FilterType::Icmp, {}, {}};
  EXPECT_TRUE(accepts(spec, icmp_v4()));
  EXPECT_TRUE(accepts(spec, icmp_v6()));
  EXPECT_TRUE(accepts(spec, icmp_v6_after_fragment()));
  EXPECT_FALSE(accepts(spec, icmp_v6_after_fragment(6)));
  EXPECT_FALSE(accepts(spec, tcp_v4(kTarget, kLocal, 80, 1234, 0x12)));
  EXPECT_FALSE(accepts(spec, udp_v4()));
  EXPECT_FALSE(accepts(spec, udp_v6()));
  auto truncated = frame(icmp_v4());
  truncated.resize(link_header_size(GetParam().type) + 5);
  EXPECT_FALSE(accepts_frame(spec, truncated)) << "an out-of-bounds load drops";
}

TEST_P(DarwinBpfPrograms, UdpAddsUdp) {
  PacketFilterSpec spec{FilterType::Udp, {}, {}};
  EXPECT_TRUE(accepts(spec, udp_v4()));
  EXPECT_TRUE(accepts(spec, udp_v6()));
  EXPECT_TRUE(accepts(spec, icmp_v4()));
  EXPECT_TRUE(accepts(spec, icmp_v6()));
  EXPECT_FALSE(accepts(spec, tcp_v4(kTarget, kLocal, 80, 1234, 0x12)));
}

TEST_P(DarwinBpfPrograms, TcpMatchesTheFourTupleAndLetsIcmpThrough) {
  PacketFilterSpec spec{FilterType::Tcp, Endpoint{kTarget, 443}, Endpoint{kLocal, 40000}};
  EXPECT_TRUE(accepts(spec, tcp_v4(kTarget, kLocal, 443, 40000, 0x12)));
  EXPECT_TRUE(accepts(spec, tcp_v4(kTarget, kLocal, 443, 40000, 0x12, 1))) << "IPv4 options: ports after IHL";
  EXPECT_TRUE(accepts(spec, tcp_v4(kTarget, kLocal, 443, 40000, 0x14, 10))) << "the longest IPv4 header";
  EXPECT_FALSE(accepts(spec, tcp_v4(make_address_v4("203.0.113.6"), kLocal, 443, 40000, 0x12)));
  EXPECT_FALSE(accepts(spec, tcp_v4(kTarget, make_address_v4("192.0.2.99"), 443, 40000, 0x12)));
  EXPECT_FALSE(accepts(spec, tcp_v4(kTarget, kLocal, 444, 40000, 0x12)));
  EXPECT_FALSE(accepts(spec, tcp_v4(kTarget, kLocal, 443, 40001, 0x12)));
  auto fragment = tcp_v4(kTarget, kLocal, 443, 40000, 0x12);
  fragment[7] = 0x10;  // a non-first fragment carries no TCP header
  EXPECT_FALSE(accepts(spec, fragment));
  EXPECT_TRUE(accepts(spec, icmp_v4())) << "as Linux and upstream: ICMP passes the TCP filter";
  EXPECT_FALSE(accepts(spec, tcp_v6(kTarget6, kLocal6, 443, 40000, 0x12))) << "a v4 tuple never matches v6";
  EXPECT_THROW(build_bpf_program({FilterType::Tcp, {}, {}}, GetParam().type), Error);
}

TEST_P(DarwinBpfPrograms, TcpIpv6Tuple) {
  PacketFilterSpec spec{FilterType::Tcp, Endpoint{kTarget6, 443}, Endpoint{kLocal6, 40000}};
  EXPECT_TRUE(accepts(spec, tcp_v6(kTarget6, kLocal6, 443, 40000, 0x12)));
  EXPECT_FALSE(accepts(spec, tcp_v6(make_address_v6("2001:db8::3"), kLocal6, 443, 40000, 0x12)));
  EXPECT_FALSE(accepts(spec, tcp_v6(kTarget6, make_address_v6("2001:db8::9"), 443, 40000, 0x12)));
  EXPECT_FALSE(accepts(spec, tcp_v6(kTarget6, kLocal6, 443, 40001, 0x12)));
  EXPECT_FALSE(accepts(spec, tcp_v4(kTarget, kLocal, 443, 40000, 0x12))) << "a v6 tuple never matches v4";
  EXPECT_TRUE(accepts(spec, icmp_v6()));
}

TEST_P(DarwinBpfPrograms, SynAckOnlyFromTheTargetPort) {
  PacketFilterSpec spec{FilterType::SynAck, Endpoint{kTarget, 443}, {}};
  EXPECT_TRUE(accepts(spec, tcp_v4(kTarget, kLocal, 443, 1, 0x12)));
  EXPECT_FALSE(accepts(spec, tcp_v4(kTarget, kLocal, 443, 1, 0x02))) << "SYN alone";
  EXPECT_FALSE(accepts(spec, tcp_v4(kTarget, kLocal, 443, 1, 0x10))) << "ACK alone";
  EXPECT_FALSE(accepts(spec, tcp_v4(kTarget, kLocal, 80, 1, 0x12))) << "another port";
  EXPECT_FALSE(accepts(spec, tcp_v4(make_address_v4("203.0.113.6"), kLocal, 443, 1, 0x12))) << "another host";
  PacketFilterSpec spec6{FilterType::SynAck, Endpoint{kTarget6, 443}, {}};
  EXPECT_TRUE(accepts(spec6, tcp_v6(kTarget6, kLocal6, 443, 1, 0x12)));
  EXPECT_FALSE(accepts(spec6, tcp_v6(kTarget6, kLocal6, 443, 1, 0x04))) << "RST";
}

TEST_P(DarwinBpfPrograms, NoneAcceptsEveryFrame) {
  PacketFilterSpec spec{FilterType::None, {}, {}};
  EXPECT_EQ(build_bpf_program(spec, GetParam().type).size(), 1u);
  EXPECT_TRUE(accepts(spec, udp_v4()));
  EXPECT_TRUE(accepts_frame(spec, crafted::ethernet_frame(0x0806, std::vector<std::uint8_t>(28))));
  EXPECT_TRUE(accepts_frame(spec, {}));
}

std::vector<PacketFilterSpec> every_spec() {
  return {
      {FilterType::None, {}, {}},
      {FilterType::Icmp, {}, {}},
      {FilterType::Udp, {}, {}},
      {FilterType::Tcp, Endpoint{kTarget, 443}, Endpoint{kLocal, 40000}},
      {FilterType::Tcp, Endpoint{kTarget6, 443}, Endpoint{kLocal6, 1}},
      {FilterType::SynAck, Endpoint{kTarget, 443}, {}},
      {FilterType::SynAck, Endpoint{kTarget6, 443}, {}},
  };
}

TEST_P(DarwinBpfPrograms, XnuWouldLoadEveryProgram) {
  for (const auto& spec : every_spec()) {
    auto program = build_bpf_program(spec, GetParam().type);
    EXPECT_TRUE(xnu_accepts(program)) << "filter type " << static_cast<int>(spec.type);
    for (const auto& i : program) {
      // BSD has no ancillary loads: an absolute load past SKF_AD_OFF would be
      // a Linux-ism (and out of bounds there).
      if (BPF_CLASS(i.code) == BPF_LD && BPF_MODE(i.code) == BPF_ABS) {
        EXPECT_LT(i.k, 100u);
      }
    }
  }
}

TEST_P(DarwinBpfPrograms, LinuxVerifierAcceptsEveryProgram) {
  // SO_ATTACH_FILTER works on any socket, no privilege needed.
  UniqueFd fd(::socket(AF_INET, SOCK_DGRAM, 0));
  ASSERT_TRUE(fd.valid());
  for (const auto& spec : every_spec()) {
    auto program = as_sock_filter(build_bpf_program(spec, GetParam().type));
    sock_fprog fprog{static_cast<unsigned short>(program.size()), program.data()};
    EXPECT_EQ(::setsockopt(fd.get(), SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof fprog), 0)
        << "filter type " << static_cast<int>(spec.type) << ": " << std::strerror(errno);
  }
}

// On the same IP packets, the darwin program on a framed packet and the Linux
// program on the bare packet (SOCK_DGRAM) give the same verdict.
TEST_P(DarwinBpfPrograms, SameVerdictsAsTheLinuxPrograms) {
  std::vector<std::vector<std::uint8_t>> corpus = {
      icmp_v4(), icmp_v6(), icmp_v6_after_fragment(), icmp_v6_after_fragment(17), udp_v4(), udp_v6(),
      tcp_v4(kTarget, kLocal, 443, 40000, 0x12), tcp_v4(kTarget, kLocal, 443, 40000, 0x12, 2),
      tcp_v4(kTarget, kLocal, 443, 40000, 0x02), tcp_v4(kTarget, kLocal, 80, 40000, 0x12),
      tcp_v4(kLocal, kTarget, 40000, 443, 0x12), tcp_v6(kTarget6, kLocal6, 443, 40000, 0x12),
      tcp_v6(kTarget6, kLocal6, 443, 1, 0x12), tcp_v6(kTarget6, kLocal6, 443, 40000, 0x10),
  };
  for (const auto& spec : every_spec()) {
    if (spec.type == FilterType::None) continue;  // Linux detaches instead
    auto darwin_program = as_sock_filter(build_bpf_program(spec, GetParam().type));
    auto linux_program = linux_::build_cbpf_program(spec);
    for (std::size_t i = 0; i < corpus.size(); ++i) {
      const auto& ip = corpus[i];
      bool ipv6 = (ip[0] >> 4) == 6;
      bool want = testutils::run_cbpf(linux_program, ip, ipv6 ? ETH_P_IPV6 : ETH_P_IP) == linux_::kAccept;
      bool got = testutils::run_cbpf(darwin_program, frame(ip), 0) == kAccept;
      EXPECT_EQ(got, want) << "filter type " << static_cast<int>(spec.type) << ", packet " << i;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Links, DarwinBpfPrograms,
                         ::testing::Values(Link{"Ethernet", LinkType::Ethernet, false},
                                           Link{"NullHostOrder", LinkType::Family, false},
                                           Link{"LoopNetworkOrder", LinkType::Family, true},
                                           Link{"RawIp", LinkType::Raw, false}),
                         [](const ::testing::TestParamInfo<Link>& info) { return std::string(info.param.name); });

TEST(DarwinBpfProgramsByLink, EachLinkRejectsWhatIsNotIpOnIt) {
  PacketFilterSpec icmp{FilterType::Icmp, {}, {}};
  auto run = [&](LinkType link, const std::vector<std::uint8_t>& f) {
    return testutils::run_cbpf(as_sock_filter(build_bpf_program(icmp, link)), f, 0) == kAccept;
  };
  EXPECT_FALSE(run(LinkType::Ethernet, crafted::ethernet_frame(0x0806, icmp_v4()))) << "ARP";
  EXPECT_FALSE(run(LinkType::Ethernet, crafted::ethernet_frame(0x8100, icmp_v4()))) << "VLAN";
  EXPECT_FALSE(run(LinkType::Family, crafted::family_frame(24, false, icmp_v6()))) << "another BSD's AF_INET6";
  EXPECT_FALSE(run(LinkType::Family, crafted::family_frame(18, false, icmp_v4()))) << "AF_LINK";
  auto v5 = icmp_v4();
  v5[0] = 0x55;
  EXPECT_FALSE(run(LinkType::Raw, v5)) << "IP version 5";
  // A frame read at the wrong offset: Ethernet's program on a DLT_NULL frame.
  EXPECT_FALSE(run(LinkType::Ethernet, crafted::family_frame(2, false, icmp_v4())));
}

}  // namespace
}  // namespace ddtr::platform::darwin
