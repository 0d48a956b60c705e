// Issue 19 item 2 on the in-memory network: a TCP SYN run (the real probe
// strategy, real packet bytes) towards a target behind a firewall that answers
// every SYN with a bare RST (no ACK, sequence and acknowledgment zero), TTLs
// in parallel. The destination's TTL must be the path's length, not the
// highest TTL in flight when the first RST came back (upstream's rule, which
// holds for its one-probe-at-a-time driver only).
#include <gtest/gtest.h>

#include "daemon/engine/parallel_run.hpp"
#include "daemon/probes/tcp/tcp_syn_probe.hpp"
#include "daemon/probes/wire/tcp_segment.hpp"
#include "tests/testutils/packets.hpp"
#include "tests/unit/engine/in_memory_network.hpp"

namespace ddtr::engine {
namespace {

using namespace std::chrono_literals;
using boost::asio::ip::make_address;

const Endpoint kLocal{make_address("192.0.2.1"), 40000}, kTarget{make_address("203.0.113.7"), 443};
constexpr int kPathLength = 4;  // three routers, then the target

// A SYN with TTL t expires at router t (192.0.2.10 + t), or reaches the
// firewall, which answers with a bare RST.
struct Network : testing::InMemoryNetwork {
  using InMemoryNetwork::InMemoryNetwork;
  std::chrono::milliseconds router_delay{2}, rst_delay{10};
  int sent = 0;

  void carry(std::span<const std::uint8_t> syn) override {
    ++sent;
    int ttl = syn[8];
    std::vector<std::uint8_t> original(syn.begin(), syn.end());
    if (ttl < kPathLength) {
      auto router = boost::asio::ip::address_v4(0xC0000200u + 10 + static_cast<unsigned>(ttl));
      later(router_delay, testutils::icmp_error(router, kLocal.address.to_v4(), 11, 0, original));
      return;
    }
    std::vector<std::uint8_t> rst(20, 0);
    rst[0] = kTarget.port >> 8, rst[1] = kTarget.port & 0xff, rst[2] = kLocal.port >> 8, rst[3] = kLocal.port & 0xff;
    rst[12] = 0x50;
    rst[13] = probes::kTcpRst;
    later(rst_delay, testutils::ipv4_packet(kTarget.address.to_v4(), kLocal.address.to_v4(), 6, rst, 60,
                                            static_cast<std::uint16_t>(0x4000 + sent)));
  }
};

RunOutcome trace(Network& net) {
  probes::TcpSynProbeConfig probe{kLocal, kTarget, 0x7654321u, 1000, 1, 30};
  auto handle = testing::handle_on(net);
  RunConfig config;  // the daemon's default pacing: a window of 16 TTLs in flight
  config.timeout = 3000ms;
  std::optional<RunResult> result;
  auto run = std::make_shared<ParallelRun>(
      net.io, make_packet_channel(net.io, std::make_unique<probes::TcpSynProbe>(probe), std::move(handle)), config,
      [](const RunHop&) {}, [&](RunResult r) { result = std::move(r); });
  run->start();
  net.io.run();
  EXPECT_TRUE(result && std::holds_alternative<RunOutcome>(*result));
  return result ? std::get<RunOutcome>(*result) : RunOutcome{};
}

void expect_path(const RunOutcome& hops) {
  ASSERT_EQ(hops.size(), static_cast<std::size_t>(kPathLength));  // the result's hop_count
  for (int ttl = 1; ttl < kPathLength; ++ttl) {
    const auto& hop = hops[static_cast<std::size_t>(ttl - 1)];
    EXPECT_EQ(hop.ttl, ttl);
    ASSERT_TRUE(hop.ip);
    EXPECT_EQ(hop.ip->to_string(), "192.0.2." + std::to_string(10 + ttl));
    EXPECT_FALSE(hop.is_dest);
  }
  const auto& dest = hops.back();
  EXPECT_EQ(dest.ttl, kPathLength);
  ASSERT_TRUE(dest.ip);
  EXPECT_EQ(*dest.ip, kTarget.address);
  EXPECT_TRUE(dest.is_dest);
  EXPECT_GT(dest.rtt_ms, 0);
}

// Routers answer first (a short path, fast ICMP): by the first RST every TTL
// of the window is in flight, and upstream's rule would put the target at 16.
TEST(BareRst, DestinationIsThePathLengthWithTtlsInFlight) {
  boost::asio::io_context io;
  Network net(io);
  auto hops = trace(net);
  expect_path(hops);
  EXPECT_GE(net.sent, 8);  // the window really had more TTLs in flight than the path is long
}

// Routers answer from a slow control plane, after the target's RSTs: the
// first RST is first credited low, and moves up as the routers answer.
TEST(BareRst, RoutersAnsweringAfterTheRstsMoveTheDestinationUp) {
  boost::asio::io_context io;
  Network net(io);
  net.router_delay = 40ms;
  net.rst_delay = 5ms;
  expect_path(trace(net));
}

}  // namespace
}  // namespace ddtr::engine
