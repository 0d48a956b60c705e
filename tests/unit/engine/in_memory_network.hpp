// An in-memory network for ParallelRun's tests: a fake sink hands each probe
// to the test's network (InMemoryNetwork::carry), which schedules its replies
// on real Asio timers; a fake source is fed by them. No sockets, so a run's
// state machine is tested alone. Shared by parallel_run_test.cpp (one-byte
// probes, scripted per TTL) and bare_rst_test.cpp (real TCP SYN bytes).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <system_error>
#include <utility>
#include <vector>

#include "daemon/engine/parallel_run.hpp"

namespace ddtr::testing {

class InMemoryNetwork {
 public:
  explicit InMemoryNetwork(boost::asio::io_context& context) : io(context) {}
  virtual ~InMemoryNetwork() = default;
  InMemoryNetwork(const InMemoryNetwork&) = delete;
  InMemoryNetwork& operator=(const InMemoryNetwork&) = delete;

  // What the network does with a packet the run sends: the test's topology.
  // Throwing an Error stands for a send the kernel refused.
  virtual void carry(std::span<const std::uint8_t> packet) = 0;

  // Queues a reply for the source now, waking a run waiting to read.
  void deliver(std::vector<std::uint8_t> reply) {
    ++delivered;
    queue.push_back(std::move(reply));
    if (waiter) boost::asio::post(io, [w = std::exchange(waiter, nullptr)] { w({}); });
  }

  // Delivers a reply after `delay` (a real timer, so replies overtake each other as on a wire).
  void later(std::chrono::milliseconds delay, std::vector<std::uint8_t> reply) {
    auto timer = std::make_unique<boost::asio::steady_timer>(io, delay);
    timer->async_wait([this, reply = std::move(reply)](const boost::system::error_code& ec) {
      if (!ec) deliver(reply);
    });
    timers.push_back(std::move(timer));
  }

  boost::asio::io_context& io;
  std::deque<std::vector<std::uint8_t>> queue;
  std::function<void(std::error_code)> waiter;
  int delivered = 0;  // replies handed to the source so far
  // Added to the receive stamps: the realtime clock stepped after the sends.
  std::chrono::system_clock::duration stamp_step{};
  std::vector<std::unique_ptr<boost::asio::steady_timer>> timers;
};

class FakeSource : public platform::PacketSource {
 public:
  explicit FakeSource(InMemoryNetwork& net) : net_(net) {}
  void set_packet_filter(const platform::PacketFilterSpec&) override {}
  std::optional<platform::ReceivedPacket> read(std::span<std::uint8_t> buffer, platform::Deadline) override {
    if (net_.queue.empty()) return std::nullopt;
    auto bytes = std::move(net_.queue.front());
    net_.queue.pop_front();
    std::copy(bytes.begin(), bytes.end(), buffer.begin());
    return platform::ReceivedPacket{bytes.size(), platform::WireClock::now() + net_.stamp_step};
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
  InMemoryNetwork& net_;
};

class FakeSink : public platform::PacketSink {
 public:
  explicit FakeSink(InMemoryNetwork& net) : net_(net) {}
  platform::WireTime write_to(std::span<const std::uint8_t> packet, const Endpoint&) override {
    net_.carry(packet);
    return platform::WireClock::now();
  }

 private:
  InMemoryNetwork& net_;
};

// The source and sink a run on `net` sends and reads through.
inline platform::SourceSinkHandle handle_on(InMemoryNetwork& net) {
  return platform::SourceSinkHandle{std::make_unique<FakeSource>(net), std::make_unique<FakeSink>(net), false};
}

}  // namespace ddtr::testing
