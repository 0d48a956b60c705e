// ParallelRun against an in-memory network: a fake sink that "delivers" each
// probe to a scripted responder, a fake source fed by it. Real Asio timers, no
// sockets, so the run's state machine (first answer wins, destination replaces a
// router, early completion, per-probe timeouts, cancellation, the window, the
// adaptive wait, refused sends, the packet budget, the daemon-wide cap on
// probes in flight) is tested alone.
#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <limits>
#include <map>

#include "daemon/engine/parallel_run.hpp"
#include "tests/unit/engine/in_memory_network.hpp"

namespace ddtr::engine {
namespace {

using namespace std::chrono_literals;

// Probe packets are 1 byte: the TTL. Replies are 3 bytes: TTL, answering router
// number (0 = destination), is_dest.
class FakeStrategy : public probes::ProbeStrategy {
 public:
  platform::PacketFilterSpec filter() const override { return {platform::FilterType::Icmp, {}, {}}; }
  Endpoint destination() const override { return {boost::asio::ip::make_address("203.0.113.5"), 0}; }
  std::vector<std::uint8_t> build_probe(int ttl) override { return {static_cast<std::uint8_t>(ttl)}; }
  std::optional<probes::ProbeResponse> match(std::span<const std::uint8_t> p) const override {
    if (p.size() != 3) return std::nullopt;
    IpAddress ip = p[1] == 0 ? boost::asio::ip::make_address("203.0.113.5")
                             : IpAddress(boost::asio::ip::address_v4(0xC0000200u + p[1]));
    return probes::ProbeResponse{p[0], ip, p[2] != 0};
  }
};

// Each probe's TTL answered as the test's responder says, after its delays;
// the sends recorded (TTL and time), some refused.
struct Network : testing::InMemoryNetwork {
  using InMemoryNetwork::InMemoryNetwork;
  // ttl -> replies to deliver after a delay.
  std::function<std::vector<std::pair<std::chrono::milliseconds, std::vector<std::uint8_t>>>(int)> responder;
  std::vector<int> sent;
  std::vector<std::chrono::steady_clock::time_point> sent_times;
  std::map<int, int> refuse;  // ttl -> errno its send fails with

  void carry(std::span<const std::uint8_t> packet) override {
    int ttl = packet[0];
    sent_times.push_back(std::chrono::steady_clock::now());
    if (auto it = refuse.find(ttl); it != refuse.end()) {
      throw Error(error_code_from_errno(it->second), "failed to send packet").with_errno(it->second);
    }
    sent.push_back(ttl);
    for (auto& [delay, reply] : responder(ttl)) later(delay, reply);
  }
};

struct Outcome {
  std::optional<RunResult> result;
  std::vector<RunHop> streamed;
  std::chrono::steady_clock::duration took{};
};

Outcome run(Network& net, RunConfig config, std::function<void(ParallelRun&)> poke = nullptr) {
  Outcome out;
  auto handle = testing::handle_on(net);
  auto start = std::chrono::steady_clock::now();
  auto r = std::make_shared<ParallelRun>(
      net.io, make_packet_channel(net.io, std::make_unique<FakeStrategy>(), std::move(handle)), config,
      [&](const RunHop& hop) { out.streamed.push_back(hop); },
      [&](RunResult result) {
        out.result = std::move(result);
        out.took = std::chrono::steady_clock::now() - start;
      });
  r->start();
  if (poke) poke(*r);
  net.io.run();
  return out;
}

// Upstream's fixed pacing: one TTL per `delay`, no window.
RunConfig fixed(int min_ttl, int max_ttl, std::chrono::milliseconds delay, std::chrono::milliseconds timeout) {
  RunConfig config;
  config.min_ttl = min_ttl;
  config.max_ttl = max_ttl;
  config.send_delay = delay;
  config.timeout = timeout;
  return config;
}

std::vector<std::uint8_t> reply(int ttl, int router, bool dest) {
  return {static_cast<std::uint8_t>(ttl), static_cast<std::uint8_t>(router), static_cast<std::uint8_t>(dest)};
}

TEST(ParallelRun, StopsAtDestinationAndEndsWithoutWaitingForTimeouts) {
  boost::asio::io_context io;
  Network net(io);
  net.responder = [](int ttl) {
    std::vector<std::pair<std::chrono::milliseconds, std::vector<std::uint8_t>>> r;
    r.emplace_back(5ms, ttl < 4 ? reply(ttl, ttl, false) : reply(ttl, 0, true));
    return r;
  };
  auto out = run(net, fixed(1, 30, 20ms, 3000ms));
  ASSERT_TRUE(out.result);
  auto& hops = std::get<RunOutcome>(*out.result);
  ASSERT_EQ(hops.size(), 4u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(hops[i].ttl, i + 1);
    EXPECT_EQ(hops[i].ip->to_string(), "192.0.2." + std::to_string(i + 1));
    EXPECT_FALSE(hops[i].is_dest);
    EXPECT_GT(hops[i].rtt_ms, 0);
  }
  EXPECT_TRUE(hops[3].is_dest);
  // The sender stopped soon after the destination answered (upstream would
  // send all 30 and wait the full timeout).
  EXPECT_LT(net.sent.size(), 8u);
  EXPECT_LT(out.took, 2000ms);  // generous: far below the 3 s timeout, not a speed claim
}

TEST(ParallelRun, SilentHopTimesOutAndIsStreamedAsMissing) {
  boost::asio::io_context io;
  Network net(io);
  net.responder = [](int ttl) {
    std::vector<std::pair<std::chrono::milliseconds, std::vector<std::uint8_t>>> r;
    if (ttl == 2) return r;  // silent router
    r.emplace_back(2ms, ttl < 3 ? reply(ttl, ttl, false) : reply(ttl, 0, true));
    return r;
  };
  auto out = run(net, fixed(1, 10, 5ms, 200ms));
  auto& hops = std::get<RunOutcome>(*out.result);
  ASSERT_EQ(hops.size(), 3u);
  EXPECT_FALSE(hops[1].ip.has_value());
  EXPECT_EQ(hops[1].rtt_ms, 0);
  EXPECT_TRUE(hops[2].is_dest);
  bool streamed_missing = false;
  for (auto& h : out.streamed) streamed_missing |= (h.ttl == 2 && !h.ip);
  EXPECT_TRUE(streamed_missing);
}

TEST(ParallelRun, FirstAnswerWinsButDestinationReplacesRouter) {
  boost::asio::io_context io;
  Network net(io);
  net.responder = [](int ttl) {
    std::vector<std::pair<std::chrono::milliseconds, std::vector<std::uint8_t>>> r;
    // TTL 1 answers last, so the run is still open when TTL 2's second answer comes.
    if (ttl == 1) {
      r.emplace_back(20ms, reply(1, 1, false));
      r.emplace_back(22ms, reply(1, 7, false));  // duplicate from elsewhere: ignored
    } else {
      r.emplace_back(2ms, reply(2, 2, false));
      r.emplace_back(4ms, reply(2, 0, true));   // destination answer replaces the router's
    }
    return r;
  };
  auto out = run(net, fixed(1, 2, 1ms, 200ms));
  auto& hops = std::get<RunOutcome>(*out.result);
  ASSERT_EQ(hops.size(), 2u);
  EXPECT_EQ(hops[0].ip->to_string(), "192.0.2.1");
  EXPECT_TRUE(hops[1].is_dest);
  EXPECT_EQ(hops[1].ip->to_string(), "203.0.113.5");
}

TEST(ParallelRun, CutsAtTheLowestDestinationTtl) {
  boost::asio::io_context io;
  Network net(io);
  net.responder = [](int ttl) {
    std::vector<std::pair<std::chrono::milliseconds, std::vector<std::uint8_t>>> r;
    // TTL 3's destination answer arrives after TTL 4's.
    if (ttl <= 2) r.emplace_back(1ms, reply(ttl, ttl, false));
    if (ttl == 3) r.emplace_back(30ms, reply(3, 0, true));
    if (ttl == 4) r.emplace_back(1ms, reply(4, 0, true));
    return r;
  };
  auto out = run(net, fixed(1, 10, 1ms, 500ms));
  auto& hops = std::get<RunOutcome>(*out.result);
  ASSERT_EQ(hops.size(), 3u);
  EXPECT_TRUE(hops[2].is_dest);
}

TEST(ParallelRun, UnreachedDestinationKeepsEveryTtl) {
  boost::asio::io_context io;
  Network net(io);
  net.responder = [](int ttl) {
    std::vector<std::pair<std::chrono::milliseconds, std::vector<std::uint8_t>>> r;
    if (ttl <= 2) r.emplace_back(1ms, reply(ttl, ttl, false));
    return r;
  };
  auto out = run(net, fixed(1, 5, 1ms, 50ms));
  auto& hops = std::get<RunOutcome>(*out.result);
  ASSERT_EQ(hops.size(), 5u);
  EXPECT_EQ(net.sent.size(), 5u);
  for (int i = 2; i < 5; ++i) EXPECT_FALSE(hops[i].ip.has_value());
}

TEST(ParallelRun, RepliesForUnsentOrOutOfRangeTtlsAreIgnored) {
  boost::asio::io_context io;
  Network net(io);
  net.responder = [](int ttl) {
    std::vector<std::pair<std::chrono::milliseconds, std::vector<std::uint8_t>>> r;
    r.emplace_back(1ms, reply(200, 9, false));     // out of range
    r.emplace_back(1ms, reply(ttl + 1, 9, true));  // not sent yet at that moment
    r.emplace_back(3ms, reply(ttl, 0, true));
    return r;
  };
  auto out = run(net, fixed(1, 1, 1ms, 100ms));
  auto& hops = std::get<RunOutcome>(*out.result);
  ASSERT_EQ(hops.size(), 1u);
  EXPECT_EQ(hops[0].ip->to_string(), "203.0.113.5");
}

TEST(ParallelRun, CancelEndsWithContextCanceled) {
  boost::asio::io_context io;
  Network net(io);
  net.responder = [](int) { return std::vector<std::pair<std::chrono::milliseconds, std::vector<std::uint8_t>>>{}; };
  auto out = run(net, fixed(1, 30, 50ms, 3000ms), [](ParallelRun& r) { r.cancel(); });
  ASSERT_TRUE(out.result);
  auto* error = std::get_if<Error>(&*out.result);
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->code(), ErrorCode::Timeout);
  EXPECT_STREQ(error->what(), "context canceled");
}

// ---- The window, the adaptive wait, refused sends, the packet budget ----

using Replies = std::vector<std::pair<std::chrono::milliseconds, std::vector<std::uint8_t>>>;

RunConfig windowed(int max_ttl, std::chrono::milliseconds timeout, int window = kDefaultWindow,
                   std::chrono::milliseconds floor = 500ms) {
  RunConfig config;
  config.max_ttl = max_ttl;
  config.timeout = timeout;
  config.window = window;
  config.wait.floor = floor;
  return config;
}

const RunOutcome& hops_of(const Outcome& out) {
  if (auto* error = std::get_if<Error>(&*out.result)) ADD_FAILURE() << error->what();
  return std::get<RunOutcome>(*out.result);
}

TEST(RunWindow, KeepsAtMostWindowProbesInFlight) {
  boost::asio::io_context io;
  Network net(io);
  net.responder = [](int) { return Replies{}; };  // every hop silent
  auto out = run(net, windowed(8, 300ms, 4));
  ASSERT_EQ(net.sent.size(), 8u);
  // The first four leave together; the fifth only once the first was given
  // up on (a lower bound: a timer never fires early).
  EXPECT_GE(net.sent_times[4] - net.sent_times[0], 300ms);
  EXPECT_EQ(hops_of(out).size(), 8u);
}

TEST(RunWindow, PathWithinTheWindowLeavesInOneBurst) {
  boost::asio::io_context io;
  Network net(io);
  net.responder = [](int ttl) {
    Replies r;
    r.emplace_back(20ms, ttl < 9 ? reply(ttl, ttl, false) : reply(ttl, 0, true));
    return r;
  };
  auto out = run(net, windowed(30, 3000ms));
  auto& hops = hops_of(out);
  ASSERT_EQ(hops.size(), 9u);
  EXPECT_TRUE(hops[8].is_dest);
  // All 16 TTLs of the window left before the first answer came back.
  ASSERT_GE(net.sent.size(), 16u);
  EXPECT_LT(net.sent_times[15] - net.sent_times[0], 20ms);
}

TEST(RunWindow, NextTtlLeavesAsASlotFrees) {
  boost::asio::io_context io;
  Network net(io);
  net.responder = [](int ttl) {
    Replies r;
    r.emplace_back(5ms, ttl < 6 ? reply(ttl, ttl, false) : reply(ttl, 0, true));
    return r;
  };
  auto out = run(net, windowed(30, 3000ms, 2));
  auto& hops = hops_of(out);
  ASSERT_EQ(hops.size(), 6u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(hops[i].ip->to_string(), "192.0.2." + std::to_string(i + 1));
  EXPECT_TRUE(hops[5].is_dest);
  // Never more than two ahead: TTL 6 (the destination) was among the last sent.
  EXPECT_LE(net.sent.size(), 7u);
}

TEST(RunWindow, AnswersInEveryOrderGiveTheSameHops) {
  std::vector<int> order{1, 2, 3, 4};  // the rank of each TTL's answer time
  do {
    boost::asio::io_context io;
    Network net(io);
    net.responder = [order](int ttl) {
      Replies r;
      if (ttl > 4) return r;
      auto delay = std::chrono::milliseconds(4 * order[static_cast<std::size_t>(ttl - 1)]);
      r.emplace_back(delay, ttl < 4 ? reply(ttl, ttl, false) : reply(ttl, 0, true));
      return r;
    };
    auto out = run(net, windowed(30, 3000ms));
    auto& hops = hops_of(out);
    ASSERT_EQ(hops.size(), 4u);
    for (int i = 0; i < 3; ++i) EXPECT_EQ(hops[i].ip->to_string(), "192.0.2." + std::to_string(i + 1));
    EXPECT_TRUE(hops[3].is_dest);
    std::size_t missing = std::count_if(out.streamed.begin(), out.streamed.end(), [](auto& h) { return !h.ip; });
    EXPECT_EQ(missing, 0u);
  } while (std::next_permutation(order.begin(), order.end()));
}

TEST(AdaptiveWait, SilentHopBelowTheDestinationIsNotWaitedForTheWholeTimeout) {
  boost::asio::io_context io;
  Network net(io);
  net.responder = [](int ttl) {
    Replies r;
    if (ttl == 2) return r;  // silent router
    r.emplace_back(5ms, ttl < 4 ? reply(ttl, ttl, false) : reply(ttl, 0, true));
    return r;
  };
  auto out = run(net, windowed(30, 60'000ms, kDefaultWindow, 100ms));
  auto& hops = hops_of(out);
  ASSERT_EQ(hops.size(), 4u);
  EXPECT_FALSE(hops[1].ip.has_value());
  EXPECT_TRUE(hops[3].is_dest);
  EXPECT_GE(out.took, 100ms);  // the floor, at least
  EXPECT_LT(out.took, 30'000ms);  // generous: far below the 60 s timeout
}

TEST(AdaptiveWait, TtlAboveTheDestinationIsNeverWaitedFor) {
  boost::asio::io_context io;
  Network net(io);
  net.responder = [](int ttl) {
    Replies r;
    if (ttl <= 3) r.emplace_back(5ms, ttl < 3 ? reply(ttl, ttl, false) : reply(ttl, 0, true));
    return r;  // TTLs 4..16 left in the same burst and never answer
  };
  auto out = run(net, windowed(30, 60'000ms));
  auto& hops = hops_of(out);
  ASSERT_EQ(hops.size(), 3u);
  EXPECT_TRUE(hops[2].is_dest);
  EXPECT_LT(out.took, 30'000ms);
  for (auto& h : out.streamed) EXPECT_LE(h.ttl, 3);  // nothing streamed above the destination
}

TEST(AdaptiveWait, LateHopInsideItsWindowIsKeptOneBeyondItIsLost) {
  boost::asio::io_context io;
  Network net(io);
  net.responder = [](int ttl) {
    Replies r;
    if (ttl == 2) r.emplace_back(60ms, reply(2, 2, false));    // inside max(10 x 5 ms, 200 ms)
    if (ttl == 3) r.emplace_back(700ms, reply(3, 3, false));   // beyond it
    if (ttl == 1) r.emplace_back(5ms, reply(1, 1, false));
    if (ttl == 4) r.emplace_back(5ms, reply(4, 0, true));
    return r;
  };
  auto out = run(net, windowed(30, 5000ms, kDefaultWindow, 200ms));
  auto& hops = hops_of(out);
  ASSERT_EQ(hops.size(), 4u);
  ASSERT_TRUE(hops[1].ip.has_value());
  EXPECT_EQ(hops[1].ip->to_string(), "192.0.2.2");
  EXPECT_FALSE(hops[2].ip.has_value());
  EXPECT_TRUE(hops[3].is_dest);
}

TEST(AdaptiveWait, WindowIsNearTimesTheHigherReplysRtt) {
  boost::asio::io_context io;
  Network net(io);
  net.responder = [](int ttl) {
    Replies r;
    if (ttl == 1) r.emplace_back(250ms, reply(1, 1, false));  // beyond the 100 ms floor, inside 10 x 40 ms
    if (ttl == 2) r.emplace_back(40ms, reply(2, 0, true));
    return r;
  };
  auto out = run(net, windowed(30, 5000ms, kDefaultWindow, 100ms));
  auto& hops = hops_of(out);
  ASSERT_EQ(hops.size(), 2u);
  ASSERT_TRUE(hops[0].ip.has_value());
  EXPECT_TRUE(hops[1].is_dest);
}

TEST(AdaptiveWait, OffWaitsTheWholeTimeoutAsUpstream) {
  boost::asio::io_context io;
  Network net(io);
  net.responder = [](int ttl) {
    Replies r;
    if (ttl == 1) r.emplace_back(400ms, reply(1, 1, false));  // beyond the 100 ms floor
    if (ttl == 2) r.emplace_back(5ms, reply(2, 0, true));
    return r;
  };
  auto config = windowed(30, 5000ms, kDefaultWindow, 100ms);
  config.wait.enabled = false;
  auto out = run(net, config);
  auto& hops = hops_of(out);
  ASSERT_EQ(hops.size(), 2u);
  EXPECT_TRUE(hops[0].ip.has_value());
}

TEST(RefusedSend, IsALostProbeNotAFailedRun) {
  for (int err : {EPERM, ENOBUFS, EAGAIN, EHOSTUNREACH}) {
    boost::asio::io_context io;
    Network net(io);
    net.refuse[2] = err;
    net.responder = [](int ttl) {
      Replies r;
      r.emplace_back(5ms, ttl < 3 ? reply(ttl, ttl, false) : reply(ttl, 0, true));
      return r;
    };
    auto out = run(net, windowed(30, 5000ms));
    auto& hops = hops_of(out);
    ASSERT_EQ(hops.size(), 3u) << err;
    EXPECT_FALSE(hops[1].ip.has_value());
    EXPECT_TRUE(hops[2].is_dest);
  }
}

TEST(RefusedSend, RunFailsWhenNoProbeCouldBeSent) {
  boost::asio::io_context io;
  Network net(io);
  for (int ttl = 1; ttl <= 5; ++ttl) net.refuse[ttl] = EPERM;
  net.responder = [](int) { return Replies{}; };
  auto out = run(net, windowed(5, 5000ms));
  auto* error = std::get_if<Error>(&*out.result);
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->code(), ErrorCode::Denied);
  EXPECT_NE(std::string(error->what()).find("SendProbe() failed"), std::string::npos);
}

TEST(RefusedSend, OtherSendErrorsStillFailTheRun) {
  boost::asio::io_context io;
  Network net(io);
  net.refuse[1] = EINVAL;
  net.responder = [](int) { return Replies{}; };
  auto out = run(net, windowed(5, 5000ms));
  EXPECT_NE(std::get_if<Error>(&*out.result), nullptr);
}

// Several runs on one loop, each on its own in-memory network.
std::shared_ptr<ParallelRun> start_run(Network& net, RunConfig config, Outcome& out) {
  auto handle = testing::handle_on(net);
  auto r = std::make_shared<ParallelRun>(
      net.io, make_packet_channel(net.io, std::make_unique<FakeStrategy>(), std::move(handle)), config,
      [&out](const RunHop& hop) { out.streamed.push_back(hop); },
      [&out](RunResult result) { out.result = std::move(result); });
  r->start();
  return r;
}

Replies path_of(int ttl, int dest_ttl, std::chrono::milliseconds per_hop) {
  Replies r;
  if (ttl <= dest_ttl) r.emplace_back(per_hop * ttl, ttl < dest_ttl ? reply(ttl, ttl, false) : reply(ttl, 0, true));
  return r;
}

TEST(InFlightLimit, LowestTtlWaitingGetsTheNextSlot) {
  boost::asio::io_context io;
  InFlightLimit limit(io, 2, 60'000ms);
  auto l1 = limit.try_take(1);
  auto l2 = limit.try_take(2);
  ASSERT_TRUE(l1 && l2);
  EXPECT_FALSE(limit.try_take(1));
  std::vector<int> granted;
  std::vector<InFlightLimit::Lease> leases;
  limit.wait(5, [&](InFlightLimit::Lease l) { granted.push_back(5), leases.push_back(l); });
  limit.wait(3, [&](InFlightLimit::Lease l) { granted.push_back(3), leases.push_back(l); });
  auto gone = limit.wait(4, [&](InFlightLimit::Lease) { granted.push_back(4); });
  limit.wait(3, [&](InFlightLimit::Lease l) { granted.push_back(33), leases.push_back(l); });  // same TTL: in order
  EXPECT_TRUE(limit.cancel(gone));
  limit.give_back(*l1);
  limit.give_back(*l1);  // twice: no extra slot
  limit.give_back(*l2);
  io.poll();
  EXPECT_EQ(granted, (std::vector<int>{3, 33}));
  EXPECT_EQ(limit.in_flight(), 2);  // held by the two granted
  EXPECT_FALSE(limit.try_take(6));
  limit.give_back(leases[0]);
  io.restart();
  io.poll();
  EXPECT_EQ(granted, (std::vector<int>{3, 33, 5}));
  EXPECT_EQ(limit.waiting(), 0u);
  for (std::size_t i = 1; i < leases.size(); ++i) limit.give_back(leases[i]);
  EXPECT_EQ(limit.in_flight(), 0);
  InFlightLimit none(io, 0);
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(none.try_take(1));
}

TEST(InFlightLimit, ASilentProbesSlotComesBackWhenItsLeaseRunsOut) {
  boost::asio::io_context io;
  InFlightLimit limit(io, 1, 30ms);
  auto held = limit.try_take(1);  // never given back: a silent hop
  ASSERT_TRUE(held);
  bool granted = false;
  limit.wait(2, [&](InFlightLimit::Lease l) {
    granted = true;
    limit.give_back(l);
  });
  auto t0 = std::chrono::steady_clock::now();
  io.run();
  EXPECT_TRUE(granted);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 30ms);
  EXPECT_EQ(limit.in_flight(), 0);
  limit.give_back(*held);  // late: harmless
  EXPECT_EQ(limit.in_flight(), 0);
}

TEST(InFlightLimit, RunsAtTheCapDoNotSendPastTheirDestinations) {
  boost::asio::io_context io;
  auto limit = std::make_shared<InFlightLimit>(io, 3, 200ms);
  Network na(io), nb(io);
  na.responder = [](int ttl) { return path_of(ttl, 3, 10ms); };
  nb.responder = [](int ttl) { return path_of(ttl, 3, 10ms); };
  auto config = windowed(10, 5000ms);
  config.in_flight = limit;
  Outcome a, b;
  auto ra = start_run(na, config, a);
  auto rb = start_run(nb, config, b);
  io.run();
  for (auto* out : {&a, &b}) {
    auto& hops = hops_of(*out);
    ASSERT_EQ(hops.size(), 3u);
    EXPECT_TRUE(hops[2].is_dest);
    for (auto& h : hops) EXPECT_TRUE(h.ip.has_value());
  }
  // Lowest TTL first across the runs: b's TTLs went before a's deeper ones,
  // so a's destination answered before a sent much past it (one TTL at most,
  // where a slot freed before b asked for its next). b, alone at the end,
  // sees the cap as a window of 3. Without the cap both send all 10 at once.
  ASSERT_GE(na.sent.size(), 3u);
  EXPECT_LE(na.sent.size(), 4u);
  EXPECT_LE(na.sent.size() + nb.sent.size(), 10u);
  EXPECT_EQ(limit->in_flight(), 0);  // every slot given back
  EXPECT_EQ(limit->waiting(), 0u);
}

TEST(InFlightLimit, SilentHopsAndEveryAnswerOrderUnderTheCap) {
  // Silent TTL 2 below the destination (5), silent TTLs above it, answers in
  // every order: the same hops as without the cap, and no slot leaks.
  std::vector<int> order{1, 2, 3, 4};
  do {
    boost::asio::io_context io;
    auto limit = std::make_shared<InFlightLimit>(io, 2, 50ms);
    Network na(io), nb(io);
    auto responder = [order](int ttl) {
      Replies r;
      if (ttl == 2 || ttl > 5) return r;
      auto rank = order[static_cast<std::size_t>(ttl == 5 ? 1 : ttl - 1)];
      r.emplace_back(std::chrono::milliseconds(3 * rank), ttl < 5 ? reply(ttl, ttl, false) : reply(ttl, 0, true));
      return r;
    };
    na.responder = responder;
    nb.responder = responder;
    auto config = windowed(12, 5000ms, kDefaultWindow, 30ms);
    config.in_flight = limit;
    Outcome a, b;
    auto ra = start_run(na, config, a);
    auto rb = start_run(nb, config, b);
    io.run();
    for (auto* out : {&a, &b}) {
      auto& hops = hops_of(*out);
      ASSERT_EQ(hops.size(), 5u);
      EXPECT_FALSE(hops[1].ip.has_value());
      EXPECT_TRUE(hops[4].is_dest);
      for (int i : {0, 2, 3}) EXPECT_TRUE(hops[static_cast<std::size_t>(i)].ip.has_value());
    }
    EXPECT_EQ(limit->in_flight(), 0);
    EXPECT_EQ(limit->waiting(), 0u);
  } while (std::next_permutation(order.begin(), order.end()));
}

TEST(InFlightLimit, CancelledRunGivesBackItsSlotsAndItsPlaceInLine) {
  boost::asio::io_context io;
  auto limit = std::make_shared<InFlightLimit>(io, 4, 200ms);
  Network na(io), nb(io);
  na.responder = [](int) { return Replies{}; };  // silent: holds its slots
  nb.responder = [](int ttl) { return path_of(ttl, 3, 5ms); };
  auto config = windowed(10, 5000ms);
  config.in_flight = limit;
  Outcome a, b;
  auto ra = start_run(na, config, a);
  auto rb = start_run(nb, config, b);  // queued behind a's four
  boost::asio::steady_timer later(io, 20ms);
  later.async_wait([&](const boost::system::error_code&) { ra->cancel(); });
  io.run();
  ASSERT_TRUE(a.result.has_value());
  EXPECT_TRUE(std::holds_alternative<Error>(*a.result));
  auto& hops = hops_of(b);
  ASSERT_EQ(hops.size(), 3u);
  EXPECT_TRUE(hops[2].is_dest);
  EXPECT_EQ(na.sent.size(), 4u);
  EXPECT_EQ(limit->in_flight(), 0);
  EXPECT_EQ(limit->waiting(), 0u);
}

TEST(FairShare, IsTheCapSharedAmongRunningTraces) {
  boost::asio::io_context io;
  auto limit = std::make_shared<InFlightLimit>(io, 1024);
  EXPECT_EQ(limit->fair_share(), 1024);
  std::vector<InFlightLimit::Member> members;
  for (int i = 0; i < 100; ++i) members.emplace_back(limit);
  EXPECT_EQ(limit->fair_share(), 10);
  for (int i = 0; i < 900; ++i) members.emplace_back(limit);
  EXPECT_EQ(limit->fair_share(), 1);
  for (int i = 0; i < 1000; ++i) members.emplace_back(limit);
  EXPECT_EQ(limit->fair_share(), kMinFairShare);  // never zero
  InFlightLimit::Member moved = std::move(members.back());
  members.pop_back();
  EXPECT_EQ(limit->members(), 2000);  // a move hands the claim on
  members.clear();
  EXPECT_EQ(limit->members(), 1);
  moved.reset();
  moved.reset();  // twice: harmless
  EXPECT_EQ(limit->members(), 0);
  EXPECT_EQ(InFlightLimit(io, 0).fair_share(), std::numeric_limits<int>::max());  // no cap: no share
}

TEST(FairShare, ContendedRunProbesOneTtlAtATimeAndNothingPastItsDestination) {
  boost::asio::io_context io;
  auto limit = std::make_shared<InFlightLimit>(io, 4, 200ms);
  std::vector<InFlightLimit::Member> others(3);  // three other traces running: a share of one
  for (auto& m : others) m = InFlightLimit::Member(limit);
  Network net(io);
  int most_in_flight = 0;
  net.responder = [&net, &most_in_flight](int ttl) {
    most_in_flight = std::max(most_in_flight, static_cast<int>(net.sent.size()) - net.delivered);
    return path_of(ttl, 5, 3ms);
  };
  auto config = windowed(12, 5000ms);
  config.in_flight = limit;
  auto out = run(net, config);
  auto& hops = hops_of(out);
  ASSERT_EQ(hops.size(), 5u);
  for (auto& h : hops) EXPECT_TRUE(h.ip.has_value());
  EXPECT_EQ(net.sent, (std::vector<int>{1, 2, 3, 4, 5}));  // alone it would send 12 at once
  EXPECT_EQ(most_in_flight, 1);
  EXPECT_EQ(limit->members(), 3);  // the run's own claim ended with it
}

TEST(FairShare, WindowOfOnePassesASilentHopAfterTheFloor) {
  boost::asio::io_context io;
  auto limit = std::make_shared<InFlightLimit>(io, 2, 200ms);
  InFlightLimit::Member other(limit);
  Network net(io);
  net.responder = [](int ttl) { return ttl == 2 ? Replies{} : path_of(ttl, 4, 3ms); };
  auto config = windowed(12, 5000ms, kDefaultWindow, 30ms);
  config.in_flight = limit;
  auto out = run(net, config);
  auto& hops = hops_of(out);
  ASSERT_EQ(hops.size(), 4u);
  EXPECT_FALSE(hops[1].ip.has_value());  // lost, shown as lost
  for (int i : {0, 2, 3}) EXPECT_TRUE(hops[static_cast<std::size_t>(i)].ip.has_value());
  EXPECT_TRUE(hops[3].is_dest);
  EXPECT_EQ(net.sent, (std::vector<int>{1, 2, 3, 4}));
  // TTL 3 left once TTL 2 stopped holding the window (the floor), not at its
  // 5 s timeout; TTL 2 was then given up on by the adaptive wait.
  EXPECT_LT(out.took, 2500ms);
}

TEST(ProbePacer, BurstThenRate) {
  ProbePacer pacer;
  pacer.set(10, 3);  // 100 ms apart, 3 back to back
  std::chrono::steady_clock::time_point t0{};
  t0 += 1h;
  EXPECT_EQ(pacer.reserve(t0), t0);
  EXPECT_EQ(pacer.reserve(t0), t0);
  EXPECT_EQ(pacer.reserve(t0), t0);
  EXPECT_EQ(pacer.reserve(t0), t0 + 100ms);
  EXPECT_EQ(pacer.reserve(t0), t0 + 200ms);
  // Idle long enough refills the burst, never beyond it.
  auto later = t0 + 10s;
  EXPECT_EQ(pacer.reserve(later), later);
  EXPECT_EQ(pacer.reserve(later), later);
  EXPECT_EQ(pacer.reserve(later), later);
  EXPECT_EQ(pacer.reserve(later), later + 100ms);
}

TEST(ProbeBudgets, OnePrincipalOverBudgetDoesNotSlowAnother) {
  auto budgets = std::make_shared<ProbeBudgets>();
  auto a = budgets->gate({1, 10, 0});
  auto b = budgets->gate({2, 10, 0});
  auto now = std::chrono::steady_clock::now();
  for (int i = 0; i < 10; ++i) a->reserve(now);  // its burst of one second's worth
  EXPECT_EQ(a->reserve(now), 100ms);                // then 10 per second
  EXPECT_EQ(b->reserve(now), std::chrono::steady_clock::duration::zero());
  EXPECT_EQ(budgets->principals(), 2u);
  a.reset();
  EXPECT_EQ(budgets->principals(), 1u);
}

TEST(ProbeBudgets, GlobalBudgetBoundsEveryone) {
  auto budgets = std::make_shared<ProbeBudgets>();
  auto a = budgets->gate({1, 0, 10});
  auto b = budgets->gate({2, 0, 10});
  auto now = std::chrono::steady_clock::now();
  for (int i = 0; i < 10; ++i) a->reserve(now);
  EXPECT_GT(b->reserve(now), 50ms);
}

TEST(ProbeBudgets, RunOverBudgetIsSlowedNotFailed) {
  boost::asio::io_context io;
  Network net(io);
  net.responder = [](int ttl) {
    Replies r;
    r.emplace_back(1ms, ttl < 6 ? reply(ttl, ttl, false) : reply(ttl, 0, true));
    return r;
  };
  auto budgets = std::make_shared<ProbeBudgets>();
  auto config = windowed(30, 5000ms);
  config.gate = budgets->gate({7, 20, 0});  // 20 probes/s, bursts of 20
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) config.gate->reserve(std::chrono::steady_clock::now());  // burst spent
  auto out = run(net, config);
  auto& hops = hops_of(out);
  ASSERT_EQ(hops.size(), 6u);
  EXPECT_TRUE(hops[5].is_dest);
  ASSERT_GE(net.sent_times.size(), 6u);
  // The 21st to 26th probes of the budget: the sixth leaves 6 x 50 ms after
  // the burst (a lower bound: a timer never fires early).
  EXPECT_GE(net.sent_times[5] - t0, 6 * 50ms);
}

// Issue 19 item 4: the realtime clock steps an hour forward between the sends
// and the replies (NTP, a VM resume). The kernel's receive stamps are an hour
// late; the run notices the realtime clock moved unlike the monotonic one and
// takes the monotonic figure, so RTTs stay what the network took.
TEST(ParallelRun, ClockStepForwardKeepsRttsReal) {
  boost::asio::io_context io;
  Network net(io);
  net.stamp_step = std::chrono::hours(1);
  net.responder = [](int ttl) {
    std::vector<std::pair<std::chrono::milliseconds, std::vector<std::uint8_t>>> r;
    r.emplace_back(5ms, ttl < 3 ? reply(ttl, ttl, false) : reply(ttl, 0, true));
    return r;
  };
  auto config = fixed(1, 10, 5ms, 2000ms);
  config.clocks = [] { return ClockReading{std::chrono::steady_clock::now(), platform::WireClock::now() + 1h}; };
  auto out = run(net, config);
  auto& hops = std::get<RunOutcome>(*out.result);
  ASSERT_EQ(hops.size(), 3u);
  for (auto& hop : hops) {
    EXPECT_GT(hop.rtt_ms, 0) << "TTL " << hop.ttl;
    EXPECT_LT(hop.rtt_ms, 2000) << "TTL " << hop.ttl;  // not 3.6e6 ms (the step), within the run's timeout
  }
}

// A step backwards: the kernel's stamps are earlier than the sends'. Without
// the monotonic figure the RTT would be negative (was: clamped to 1e-6 ms).
TEST(ParallelRun, ClockStepBackwardKeepsRttsReal) {
  boost::asio::io_context io;
  Network net(io);
  net.stamp_step = -std::chrono::hours(1);
  net.responder = [](int ttl) {
    std::vector<std::pair<std::chrono::milliseconds, std::vector<std::uint8_t>>> r;
    r.emplace_back(20ms, ttl < 2 ? reply(ttl, ttl, false) : reply(ttl, 0, true));
    return r;
  };
  auto out = run(net, fixed(1, 10, 5ms, 2000ms));  // the real clocks: the stamp alone is impossible
  auto& hops = std::get<RunOutcome>(*out.result);
  ASSERT_EQ(hops.size(), 2u);
  for (auto& hop : hops) {
    EXPECT_GE(hop.rtt_ms, 15) << "TTL " << hop.ttl;  // the responder's 20 ms delay, timer slack aside
    EXPECT_LT(hop.rtt_ms, 2000) << "TTL " << hop.ttl;
  }
}

}  // namespace
}  // namespace ddtr::engine
