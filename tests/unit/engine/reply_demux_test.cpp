// The shared demux against an in-memory capture and sinks: replies reach the
// run that owns their route and no other, unowned ones are counted and
// dropped, registrations end cleanly (also from inside a delivery), the
// capture is open exactly while someone listens, probes leave through the
// family's sink, and a DemuxChannel with a real ICMP strategy gets its hops
// with the capture's timestamps.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <deque>

#include "daemon/engine/probe_channel.hpp"
#include "daemon/engine/reply_demux.hpp"
#include "daemon/probes/icmp/icmp_packet_build.hpp"
#include "daemon/probes/icmp/icmp_probe.hpp"
#include "daemon/probes/udp/udp_packet_build.hpp"
#include "tests/testutils/packets.hpp"

namespace ddtr::engine {
namespace {

using boost::asio::ip::make_address;
using boost::asio::ip::make_address_v4;
using probes::ReplyRoute;
using probes::RouteKind;

const auto kLocal = make_address_v4("192.0.2.5"), kTarget = make_address_v4("203.0.113.5"),
           kRouter = make_address_v4("192.0.2.6");

// What the fake capture and sinks share with the test.
struct Wire {
  explicit Wire(boost::asio::io_context& context) : io(context) {}
  boost::asio::io_context& io;
  std::deque<std::pair<std::vector<std::uint8_t>, platform::WireTime>> queue;
  std::function<void(std::error_code)> waiter;
  int captures_opened = 0, captures_alive = 0;
  int sinks_opened[2] = {0, 0};
  std::vector<std::pair<bool, std::vector<std::uint8_t>>> sent;  // (ipv6, packet)
  bool fail_next_read = false;

  void deliver(std::vector<std::uint8_t> packet, platform::WireTime at = platform::WireClock::now()) {
    queue.emplace_back(std::move(packet), at);
    wake({});
  }
  void wake(std::error_code ec) {
    if (waiter) boost::asio::post(io, [w = std::exchange(waiter, nullptr), ec] { w(ec); });
  }
};

class FakeCapture : public platform::PacketSource {
 public:
  explicit FakeCapture(Wire& wire) : wire_(wire) {
    ++wire_.captures_opened;
    ++wire_.captures_alive;
  }
  // As Asio does for a descriptor destroyed mid-wait.
  ~FakeCapture() override {
    --wire_.captures_alive;
    wire_.wake(std::make_error_code(std::errc::operation_canceled));
  }
  void set_packet_filter(const platform::PacketFilterSpec&) override { FAIL() << "the shared capture keeps its own"; }
  std::optional<platform::ReceivedPacket> read(std::span<std::uint8_t> buffer, platform::Deadline) override {
    if (std::exchange(wire_.fail_next_read, false)) throw Error(ErrorCode::Unknown, "network is down");
    if (wire_.queue.empty()) return std::nullopt;
    auto [bytes, at] = std::move(wire_.queue.front());
    wire_.queue.pop_front();
    std::size_t n = std::min(bytes.size(), buffer.size());
    std::copy_n(bytes.begin(), n, buffer.begin());
    return platform::ReceivedPacket{n, at};
  }
  void async_wait_readable(std::function<void(std::error_code)> handler) override {
    wire_.waiter = std::move(handler);
    if (!wire_.queue.empty() || wire_.fail_next_read) wire_.wake({});
  }
  void cancel() override { wire_.wake(std::make_error_code(std::errc::operation_canceled)); }

 private:
  Wire& wire_;
};

class FakeSink : public platform::PacketSink {
 public:
  FakeSink(Wire& wire, bool ipv6) : wire_(wire), ipv6_(ipv6) { ++wire_.sinks_opened[ipv6 ? 1 : 0]; }
  platform::WireTime write_to(std::span<const std::uint8_t> packet, const Endpoint&) override {
    wire_.sent.emplace_back(ipv6_, std::vector<std::uint8_t>(packet.begin(), packet.end()));
    return platform::WireClock::now();
  }

 private:
  Wire& wire_;
  bool ipv6_;
};

struct Recorder : ReplyDemux::Receiver {
  std::vector<std::vector<std::uint8_t>> replies;
  std::vector<platform::WireTime> times;
  std::vector<std::string> errors;
  std::function<void()> after_reply;
  void on_reply(std::span<const std::uint8_t> p, platform::WireTime at) override {
    replies.emplace_back(p.begin(), p.end());
    times.push_back(at);
    if (after_reply) after_reply();
  }
  void on_capture_error(const Error& e) override { errors.emplace_back(e.what()); }
};

class ReplyDemuxTest : public ::testing::Test {
 protected:
  boost::asio::io_context io;
  Wire wire{io};
  std::shared_ptr<ReplyDemux> demux = std::make_shared<ReplyDemux>(ReplyDemux::Io{
      [this] { return std::make_unique<FakeCapture>(wire); },
      [this](bool ipv6) { return std::make_unique<FakeSink>(wire, ipv6); },
      {},  // no defer: the capture closes as soon as the last run ends
  });

  void settle() {
    io.restart();
    io.poll();
  }
};

std::vector<std::uint8_t> udp_expired(std::uint16_t source_port) {
  auto probe = probes::build_udp_probe_v4(Endpoint{kLocal, source_port}, Endpoint{kTarget, 33434}, 2);
  return testutils::icmp_error(kRouter, kLocal, 11, 0, probe);
}

TEST_F(ReplyDemuxTest, RepliesReachTheOwnerOfTheirRouteOnly) {
  auto echo_run = std::make_shared<Recorder>(), udp_run = std::make_shared<Recorder>();
  auto a = demux->listen(ReplyRoute{false, RouteKind::IcmpEcho, 7}, echo_run);
  auto b = demux->listen(ReplyRoute{false, RouteKind::Udp, 40001}, udp_run);
  EXPECT_EQ(wire.captures_opened, 1) << "one capture for every run";
  auto at = platform::WireTime(std::chrono::seconds(1'700'000'000));
  wire.deliver(testutils::icmp_echo_reply(kTarget, kLocal, 7, 1), at);
  wire.deliver(udp_expired(40001));
  wire.deliver(testutils::icmp_echo_reply(kTarget, kLocal, 8, 1));  // another id: nobody's
  wire.deliver(udp_expired(40002));                                 // another port: nobody's
  // The same number as the echo id, but a UDP port: another kind of route.
  wire.deliver(udp_expired(7));
  settle();
  ASSERT_EQ(echo_run->replies.size(), 1u);
  EXPECT_EQ(echo_run->replies[0], testutils::icmp_echo_reply(kTarget, kLocal, 7, 1));
  EXPECT_EQ(echo_run->times[0], at) << "the capture's timestamp reaches the run";
  ASSERT_EQ(udp_run->replies.size(), 1u);
  EXPECT_EQ(udp_run->replies[0], udp_expired(40001));
  EXPECT_EQ(demux->stats().routed, 2u);
  EXPECT_EQ(demux->stats().unrouted, 3u);
}

TEST_F(ReplyDemuxTest, GarbageIsDroppedAndCounted) {
  auto run = std::make_shared<Recorder>();
  auto r = demux->listen(ReplyRoute{false, RouteKind::IcmpEcho, 7}, run);
  wire.deliver({});
  wire.deliver({0x45, 0, 0});
  wire.deliver(std::vector<std::uint8_t>(100, 0xff));
  settle();
  EXPECT_TRUE(run->replies.empty());
  EXPECT_EQ(demux->stats().unrouted, 3u);
}

TEST_F(ReplyDemuxTest, TheCaptureIsOpenExactlyWhileSomeoneListens) {
  EXPECT_EQ(wire.captures_opened, 0) << "nothing opened before the first run";
  auto run = std::make_shared<Recorder>();
  {
    auto a = demux->listen(ReplyRoute{false, RouteKind::IcmpEcho, 1}, run);
    auto b = demux->listen(ReplyRoute{true, RouteKind::Tcp, 2}, run);
    demux->send(false, std::vector<std::uint8_t>{1}, Endpoint{kTarget, 0});
    demux->send(false, std::vector<std::uint8_t>{2}, Endpoint{kTarget, 0});
    demux->send(true, std::vector<std::uint8_t>{3}, Endpoint{make_address("2001:db8::1"), 0});
    EXPECT_EQ(wire.sinks_opened[0], 1);
    EXPECT_EQ(wire.sinks_opened[1], 1);
    ASSERT_EQ(wire.sent.size(), 3u);
    EXPECT_FALSE(wire.sent[1].first);
    EXPECT_TRUE(wire.sent[2].first);
    EXPECT_TRUE(demux->stats().open);
    EXPECT_EQ(demux->stats().registrations, 2u);
    EXPECT_EQ(demux->live_routes(), 2u);
    a.reset();
    EXPECT_EQ(demux->live_routes(), 1u);
    EXPECT_TRUE(demux->stats().open);
  }
  EXPECT_FALSE(demux->stats().open);
  EXPECT_EQ(demux->live_routes(), 0u);
  EXPECT_EQ(wire.captures_alive, 0);
  settle();  // the cancelled wait runs and must not touch anything
  wire.deliver(testutils::icmp_echo_reply(kTarget, kLocal, 1, 1));
  settle();
  EXPECT_TRUE(run->replies.empty());
  auto again = demux->listen(ReplyRoute{false, RouteKind::IcmpEcho, 1}, run);
  EXPECT_EQ(wire.captures_opened, 2);
  settle();
  EXPECT_EQ(run->replies.size(), 1u) << "the new capture reads what is queued";
}

TEST_F(ReplyDemuxTest, WithDeferTheCaptureClosesInAHandlerOfItsOwnUnlessARunCameMeanwhile) {
  // As on the platform: the close waits for the handlers already queued (the
  // last run's result), and a run registered before it keeps the capture.
  auto deferred = std::make_shared<ReplyDemux>(ReplyDemux::Io{
      [this] { return std::make_unique<FakeCapture>(wire); },
      [this](bool ipv6) { return std::make_unique<FakeSink>(wire, ipv6); },
      [this](std::function<void()> handler) { boost::asio::post(io, std::move(handler)); },
  });
  auto run = std::make_shared<Recorder>();
  auto a = deferred->listen(ReplyRoute{false, RouteKind::IcmpEcho, 1}, run);
  // ParallelRun::finish: the result's delivery is queued, then the channel closes.
  bool result_delivered_while_open = false;
  boost::asio::post(io, [&] { result_delivered_while_open = deferred->stats().open; });
  a.reset();
  EXPECT_TRUE(deferred->stats().open) << "not closed inside the call that ended the last run";
  settle();
  EXPECT_TRUE(result_delivered_while_open) << "a handler queued before the close ran first";
  EXPECT_FALSE(deferred->stats().open);
  EXPECT_EQ(wire.captures_alive, 0);

  auto b = deferred->listen(ReplyRoute{false, RouteKind::IcmpEcho, 2}, run);
  b.reset();
  auto c = deferred->listen(ReplyRoute{false, RouteKind::IcmpEcho, 3}, run);
  settle();
  EXPECT_TRUE(deferred->stats().open) << "the run that came before the deferred close keeps the capture";
  EXPECT_EQ(wire.captures_opened, 2);
  wire.deliver(testutils::icmp_echo_reply(kTarget, kLocal, 3, 1));
  settle();
  EXPECT_EQ(run->replies.size(), 1u);
  c.reset();
  settle();
  EXPECT_FALSE(deferred->stats().open);
}

TEST_F(ReplyDemuxTest, AnEndedRegistrationGetsNothingMore) {
  auto run = std::make_shared<Recorder>(), other = std::make_shared<Recorder>();
  auto keep = demux->listen(ReplyRoute{false, RouteKind::IcmpEcho, 2}, other);
  auto r = demux->listen(ReplyRoute{false, RouteKind::IcmpEcho, 1}, run);
  r.reset();
  wire.deliver(testutils::icmp_echo_reply(kTarget, kLocal, 1, 1));
  settle();
  EXPECT_TRUE(run->replies.empty());
  EXPECT_EQ(demux->stats().unrouted, 1u);
  // A receiver that is gone (its run destroyed) is skipped, not called.
  auto gone = std::make_shared<Recorder>();
  auto dangling = demux->listen(ReplyRoute{false, RouteKind::IcmpEcho, 3}, gone);
  gone.reset();
  wire.deliver(testutils::icmp_echo_reply(kTarget, kLocal, 3, 1));
  settle();
  EXPECT_TRUE(other->replies.empty());
}

TEST_F(ReplyDemuxTest, TheLastRunMayEndInsideADelivery) {
  auto run = std::make_shared<Recorder>();
  auto r = std::make_unique<ReplyDemux::Registration>(demux->listen(ReplyRoute{false, RouteKind::IcmpEcho, 1}, run));
  run->after_reply = [&] { r->reset(); };
  wire.deliver(testutils::icmp_echo_reply(kTarget, kLocal, 1, 1));
  wire.deliver(testutils::icmp_echo_reply(kTarget, kLocal, 1, 2));
  settle();
  EXPECT_EQ(run->replies.size(), 1u);
  EXPECT_FALSE(demux->stats().open) << "closed from inside its own read loop";
  EXPECT_EQ(wire.captures_alive, 0);
}

TEST_F(ReplyDemuxTest, TwoOwnersOfOneRouteBothJudgeIt) {
  auto a = std::make_shared<Recorder>(), b = std::make_shared<Recorder>();
  auto ra = demux->listen(ReplyRoute{false, RouteKind::Tcp, 40000}, a);
  auto rb = std::make_unique<ReplyDemux::Registration>(demux->listen(ReplyRoute{false, RouteKind::Tcp, 40000}, b));
  a->after_reply = [&] { rb.reset(); };  // b leaves while a handles the packet
  std::vector<std::uint8_t> tcp(20, 0);
  tcp[2] = 40000 >> 8, tcp[3] = 40000 & 0xff, tcp[12] = 0x50, tcp[13] = 0x12;
  wire.deliver(testutils::ipv4_packet(kTarget, kLocal, 6, tcp));
  settle();
  EXPECT_EQ(a->replies.size(), 1u);
  EXPECT_EQ(b->replies.size(), 1u) << "b was still registered when the packet arrived";
  wire.deliver(testutils::ipv4_packet(kTarget, kLocal, 6, tcp));
  settle();
  EXPECT_EQ(a->replies.size(), 2u);
  EXPECT_EQ(b->replies.size(), 1u);
}

TEST_F(ReplyDemuxTest, ACaptureFailureReachesEveryRun) {
  auto a = std::make_shared<Recorder>(), b = std::make_shared<Recorder>();
  auto ra = demux->listen(ReplyRoute{false, RouteKind::IcmpEcho, 1}, a);
  auto rb = demux->listen(ReplyRoute{true, RouteKind::Udp, 2}, b);
  wire.fail_next_read = true;
  wire.wake({});
  settle();
  ASSERT_EQ(a->errors.size(), 1u);
  EXPECT_NE(a->errors[0].find("network is down"), std::string::npos);
  EXPECT_EQ(b->errors.size(), 1u);
  EXPECT_FALSE(demux->stats().open);
  auto late = std::make_shared<Recorder>();
  auto rc = demux->listen(ReplyRoute{false, RouteKind::IcmpEcho, 3}, late);
  EXPECT_TRUE(demux->stats().open) << "a later run opens a fresh capture";
}

TEST_F(ReplyDemuxTest, ADemuxChannelJudgesWhatItIsRoutedWithItsStrategy) {
  constexpr std::uint16_t kId = 4242;
  auto channel = make_demux_channel(
      demux, std::make_unique<probes::IcmpProbe>(probes::IcmpProbeConfig{kLocal, kTarget, kId, 1, 30}),
      ReplyRoute{false, RouteKind::IcmpEcho, kId});
  std::vector<std::pair<probes::ProbeResponse, platform::WireTime>> got;
  std::vector<std::string> errors;
  channel->start([&](const probes::ProbeResponse& r, platform::WireTime at) { got.emplace_back(r, at); },
                 [&](Error e) { errors.emplace_back(e.what()); });
  channel->send(1);
  channel->send(2);
  ASSERT_EQ(wire.sent.size(), 2u);
  EXPECT_EQ(wire.sent[1].second, probes::build_icmp_echo_v4(kLocal, kTarget, kId, 2));
  auto at = platform::WireTime(std::chrono::seconds(1'700'000'123));
  wire.deliver(testutils::icmp_error(kRouter, kLocal, 11, 0, wire.sent[0].second), at);
  // Routed here (our id) but not ours to believe: a sequence never sent, and
  // an echo reply from someone other than the target.
  wire.deliver(testutils::icmp_echo_reply(kTarget, kLocal, kId, 9));
  wire.deliver(testutils::icmp_echo_reply(kRouter, kLocal, kId, 2));
  wire.deliver(testutils::icmp_echo_reply(kTarget, kLocal, kId, 2));
  settle();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].first.ttl, 1);
  EXPECT_EQ(got[0].first.ip, IpAddress(kRouter));
  EXPECT_FALSE(got[0].first.is_dest);
  EXPECT_EQ(got[0].second, at);
  EXPECT_EQ(got[1].first.ttl, 2);
  EXPECT_TRUE(got[1].first.is_dest);
  channel->close();
  EXPECT_FALSE(demux->stats().open);
  wire.deliver(testutils::icmp_echo_reply(kTarget, kLocal, kId, 1));
  settle();
  EXPECT_EQ(got.size(), 2u) << "nothing after close";
  EXPECT_TRUE(errors.empty());
}

}  // namespace
}  // namespace ddtr::engine
