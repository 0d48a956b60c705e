// The engine's shared demux: one reply capture and one raw sink per family for
// every run, instead of a packet socket pair per run. A captured packet goes
// to the run that owns the identity it carries (probes::reply_route: echo id,
// or local UDP/TCP port), found in O(1); the run's strategy still judges it
// exactly. A packet nobody owns is counted and dropped. The capture is open
// while at least one run is registered, so an idle daemon holds no packet
// socket. Engine thread only: no locks.
#pragma once

#include <boost/asio/io_context.hpp>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <unordered_map>
#include <vector>

#include "daemon/probes/wire/reply_route.hpp"
#include "platform/packets.hpp"
#include "shared/common/error.hpp"

namespace ddtr::engine {

class ReplyDemux : public std::enable_shared_from_this<ReplyDemux> {
 public:
  class Receiver {
   public:
    virtual ~Receiver() = default;
    // `ip_packet` is valid during the call only.
    virtual void on_reply(std::span<const std::uint8_t> ip_packet, platform::WireTime received_at) = 0;
    // The capture failed; no more replies will come through it.
    virtual void on_capture_error(const Error& error) = 0;
  };

  // How the demux opens what it shares: the platform's capture and sinks, or
  // fakes in tests. Either may throw Error.
  struct Io {
    std::function<std::unique_ptr<platform::PacketSource>()> open_capture;
    std::function<std::unique_ptr<platform::PacketSink>(bool ipv6)> open_sink;
    // Runs a handler later on the engine thread (the platform: asio::post).
    // Closing a packet socket blocks for the kernel's RCU grace period (13 ms
    // measured on a 2-core VM), so the capture closes from a handler of its own,
    // after the last run's result has been handed on. Empty: at once (tests).
    std::function<void(std::function<void()>)> defer;
  };

  // The route stays the receiver's until this is destroyed (or reset).
  class Registration {
   public:
    Registration() = default;
    Registration(Registration&& other) noexcept;
    Registration& operator=(Registration&& other) noexcept;
    Registration(const Registration&) = delete;
    Registration& operator=(const Registration&) = delete;
    ~Registration() { reset(); }
    void reset();

   private:
    friend class ReplyDemux;
    Registration(std::weak_ptr<ReplyDemux> demux, probes::ReplyRoute route, std::uint64_t token)
        : demux_(std::move(demux)), route_(route), token_(token) {}
    std::weak_ptr<ReplyDemux> demux_;
    probes::ReplyRoute route_;
    std::uint64_t token_ = 0;
  };

  struct Stats {
    std::uint64_t routed = 0;    // packets handed to a registered run
    std::uint64_t unrouted = 0;  // captured, but no run owns their route (dropped)
    std::size_t registrations = 0;
    bool open = false;
  };

  // Must be owned by a shared_ptr (registrations and waits refer back to it).
  explicit ReplyDemux(Io io);
  // The platform's shared capture, or nullptr on an OS without one.
  static std::shared_ptr<ReplyDemux> for_platform(boost::asio::io_context& io);

  // Replies carrying `route` go to `receiver` (held weakly) until the
  // registration ends; the first registration opens the capture. Two receivers
  // of one route (the same port on two local addresses) both see its packets,
  // and their strategies tell them apart. Throws Error when the capture cannot
  // be opened.
  Registration listen(probes::ReplyRoute route, std::weak_ptr<Receiver> receiver);

  // Sends a complete IP packet through the family's shared sink (opened on
  // first use). Throws Error.
  platform::WireTime send(bool ipv6, std::span<const std::uint8_t> packet, const Endpoint& destination);

  Stats stats() const;
  // The live registrations, from any thread (the daemon's `info`).
  std::size_t live_routes() const { return registrations_.load(std::memory_order_relaxed); }
  // Packets no run owned since the daemon started, from any thread (/metrics).
  std::uint64_t unrouted_total() const { return unrouted_total_.load(std::memory_order_relaxed); }

 private:
  struct Entry {
    std::uint64_t token;
    std::weak_ptr<Receiver> receiver;
  };

  void unlisten(const probes::ReplyRoute& route, std::uint64_t token);
  void open();
  void close();
  void wait();
  void read();
  void dispatch(std::span<const std::uint8_t> packet, platform::WireTime received_at);
  void fail(const Error& error);

  Io io_;
  std::unique_ptr<platform::PacketSource> capture_;
  std::unique_ptr<platform::PacketSink> sinks_[2];  // [ipv6]
  std::unordered_map<probes::ReplyRoute, std::vector<Entry>> routes_;  // almost always one entry each
  // Written on the engine thread only; atomic so `info` can read it from the
  // RPC thread without a round trip through the engine.
  std::atomic<std::size_t> registrations_{0};
  std::atomic<std::uint64_t> unrouted_total_{0};  // mirrors unrouted_ for other threads
  std::uint64_t next_token_ = 1;
  // Bumped whenever the capture closes: a wait or read loop of an older
  // capture must stop.
  std::uint64_t generation_ = 0;
  std::vector<std::uint8_t> buffer_;
  std::uint64_t routed_ = 0, unrouted_ = 0;            // since the daemon started
  std::uint64_t routed_at_open_ = 0, unrouted_at_open_ = 0;
};

}  // namespace ddtr::engine
