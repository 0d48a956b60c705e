// ParallelRun against an in-memory network: a fake sink that "delivers" each
// probe to a scripted responder, a fake source fed by it. Real Asio timers, no
// sockets, so the run's state machine (first answer wins, destination replaces a
// router, early completion, per-probe timeouts, cancellation) is tested alone.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <map>

#include "daemon/engine/parallel_run.hpp"

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

struct Network {
  explicit Network(boost::asio::io_context& context) : io(context) {}
  boost::asio::io_context& io;
  std::deque<std::vector<std::uint8_t>> queue;
  std::function<void(std::error_code)> waiter;
  // ttl -> replies to deliver after a delay.
  std::function<std::vector<std::pair<std::chrono::milliseconds, std::vector<std::uint8_t>>>(int)> responder;
  std::vector<int> sent;
  std::vector<std::unique_ptr<boost::asio::steady_timer>> timers;

  void deliver(std::vector<std::uint8_t> reply) {
    queue.push_back(std::move(reply));
    if (waiter) boost::asio::post(io, [w = std::exchange(waiter, nullptr)] { w({}); });
  }
};

class FakeSource : public platform::PacketSource {
 public:
  explicit FakeSource(Network& net) : net_(net) {}
  void set_packet_filter(const platform::PacketFilterSpec&) override {}
  std::optional<platform::ReceivedPacket> read(std::span<std::uint8_t> buffer, platform::Deadline) override {
    if (net_.queue.empty()) return std::nullopt;
    auto bytes = std::move(net_.queue.front());
    net_.queue.pop_front();
    std::copy(bytes.begin(), bytes.end(), buffer.begin());
    return platform::ReceivedPacket{bytes.size(), platform::WireClock::now()};
  }
  void async_wait_readable(std::function<void(std::error_code)> handler) override {
    if (!net_.queue.empty()) {
      boost::asio::post(net_.io, [handler] { handler({}); });
    } else {
      net_.waiter = std::move(handler);
    }
  }
  void cancel() override {
    if (net_.waiter) {
      boost::asio::post(net_.io, [w = std::exchange(net_.waiter, nullptr)] {
        w(std::make_error_code(std::errc::operation_canceled));
      });
    }
  }

 private:
  Network& net_;
};

class FakeSink : public platform::PacketSink {
 public:
  explicit FakeSink(Network& net) : net_(net) {}
  platform::WireTime write_to(std::span<const std::uint8_t> packet, const Endpoint&) override {
    int ttl = packet[0];
    net_.sent.push_back(ttl);
    for (auto& [delay, reply] : net_.responder(ttl)) {
      auto timer = std::make_unique<boost::asio::steady_timer>(net_.io, delay);
      timer->async_wait([this, reply = reply](const boost::system::error_code& ec) {
        if (!ec) net_.deliver(reply);
      });
      net_.timers.push_back(std::move(timer));
    }
    return platform::WireClock::now();
  }

 private:
  Network& net_;
};

struct Outcome {
  std::optional<RunResult> result;
  std::vector<RunHop> streamed;
  std::chrono::steady_clock::duration took{};
};

Outcome run(Network& net, RunConfig config, std::function<void(ParallelRun&)> poke = nullptr) {
  Outcome out;
  platform::SourceSinkHandle handle{std::make_unique<FakeSource>(net), std::make_unique<FakeSink>(net), false};
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
  auto out = run(net, RunConfig{1, 30, 20ms, 3000ms});
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
  auto out = run(net, RunConfig{1, 10, 5ms, 200ms});
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
  auto out = run(net, RunConfig{1, 2, 1ms, 200ms});
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
  auto out = run(net, RunConfig{1, 10, 1ms, 500ms});
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
  auto out = run(net, RunConfig{1, 5, 1ms, 50ms});
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
  auto out = run(net, RunConfig{1, 1, 1ms, 100ms});
  auto& hops = std::get<RunOutcome>(*out.result);
  ASSERT_EQ(hops.size(), 1u);
  EXPECT_EQ(hops[0].ip->to_string(), "203.0.113.5");
}

TEST(ParallelRun, CancelEndsWithContextCanceled) {
  boost::asio::io_context io;
  Network net(io);
  net.responder = [](int) { return std::vector<std::pair<std::chrono::milliseconds, std::vector<std::uint8_t>>>{}; };
  auto out = run(net, RunConfig{1, 30, 50ms, 3000ms}, [](ParallelRun& r) { r.cancel(); });
  ASSERT_TRUE(out.result);
  auto* error = std::get_if<Error>(&*out.result);
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->code(), ErrorCode::Timeout);
  EXPECT_STREQ(error->what(), "context canceled");
}

}  // namespace
}  // namespace ddtr::engine
