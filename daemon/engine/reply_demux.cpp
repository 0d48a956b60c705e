#include "daemon/engine/reply_demux.hpp"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "platform/reply_capture.hpp"

namespace ddtr::engine {
namespace {

// Enough for any reply we parse (a quoted IPv6 packet is < 200 bytes); longer
// packets are truncated, which the parsers accept.
constexpr std::size_t kReceiveBuffer = 1500;
// Packets handled per wake-up before letting timers and other work run.
constexpr int kPacketsPerWakeup = 64;

}  // namespace

ReplyDemux::Registration::Registration(Registration&& other) noexcept
    : demux_(std::move(other.demux_)), route_(other.route_), token_(other.token_) {
  other.token_ = 0;
}

ReplyDemux::Registration& ReplyDemux::Registration::operator=(Registration&& other) noexcept {
  if (this != &other) {
    reset();
    demux_ = std::move(other.demux_);
    route_ = other.route_;
    token_ = other.token_;
    other.token_ = 0;
  }
  return *this;
}

void ReplyDemux::Registration::reset() {
  if (token_ == 0) return;
  // A demux already gone (engine shutdown) has nothing left to unregister.
  if (auto demux = demux_.lock()) demux->unlisten(route_, token_);
  token_ = 0;
  demux_.reset();
}

ReplyDemux::ReplyDemux(Io io) : io_(std::move(io)), buffer_(kReceiveBuffer) {}

std::shared_ptr<ReplyDemux> ReplyDemux::for_platform(boost::asio::io_context& io) {
  if (!platform::reply_capture_supported()) return nullptr;
  return std::make_shared<ReplyDemux>(Io{
      [&io] { return platform::open_reply_capture(io); },
      [](bool ipv6) { return platform::open_shared_sink(ipv6); },
      [&io](std::function<void()> handler) { boost::asio::post(io, std::move(handler)); },
  });
}

ReplyDemux::Registration ReplyDemux::listen(probes::ReplyRoute route, std::weak_ptr<Receiver> receiver) {
  // Open first: a run must never send before its replies can be heard.
  if (!capture_) open();
  std::uint64_t token = next_token_++;
  routes_[route].push_back(Entry{token, std::move(receiver)});
  ++registrations_;
  return Registration(weak_from_this(), route, token);
}

void ReplyDemux::unlisten(const probes::ReplyRoute& route, std::uint64_t token) {
  auto it = routes_.find(route);
  if (it == routes_.end()) return;
  auto& entries = it->second;
  for (auto e = entries.begin(); e != entries.end(); ++e) {
    if (e->token != token) continue;
    entries.erase(e);
    --registrations_;
    break;
  }
  if (entries.empty()) routes_.erase(it);
  if (registrations_ != 0) return;
  if (!io_.defer) {
    close();
    return;
  }
  // Still idle when the handler runs: a run registered meanwhile keeps the capture.
  io_.defer([weak = weak_from_this()] {
    if (auto self = weak.lock(); self && self->registrations_ == 0) self->close();
  });
}

platform::WireTime ReplyDemux::send(bool ipv6, std::span<const std::uint8_t> packet, const Endpoint& destination) {
  auto& sink = sinks_[ipv6 ? 1 : 0];
  if (!sink) {
    sink = io_.open_sink(ipv6);
    if (!sink) throw Error(ErrorCode::Unknown, "no shared packet sink on this platform");
  }
  return sink->write_to(packet, destination);
}

ReplyDemux::Stats ReplyDemux::stats() const {
  return Stats{routed_, unrouted_, registrations_.load(), capture_ != nullptr};
}

void ReplyDemux::open() {
  auto capture = io_.open_capture();
  if (!capture) throw Error(ErrorCode::Unknown, "no shared reply capture on this platform");
  capture_ = std::move(capture);
  routed_at_open_ = routed_;
  unrouted_at_open_ = unrouted_;
  spdlog::debug("engine: shared reply capture opened");
  wait();
}

void ReplyDemux::close() {
  ++generation_;
  sinks_[0].reset();
  sinks_[1].reset();
  if (!capture_) return;
  // Destroying the source cancels its pending wait; the handler sees a newer
  // generation (or no demux) and returns.
  capture_.reset();
  spdlog::debug("engine: shared reply capture closed: {} replies routed, {} without an owner dropped",
                routed_ - routed_at_open_, unrouted_ - unrouted_at_open_);
}

void ReplyDemux::wait() {
  std::weak_ptr<ReplyDemux> weak = weak_from_this();
  capture_->async_wait_readable([weak, generation = generation_](std::error_code ec) {
    auto self = weak.lock();
    if (!self || self->generation_ != generation || !self->capture_) return;
    if (ec) {
      self->fail(Error(ErrorCode::Unknown, "ConnHandle failed to wait: " + ec.message()));
      return;
    }
    self->read();
  });
}

void ReplyDemux::read() {
  std::uint64_t generation = generation_;
  try {
    for (int i = 0; i < kPacketsPerWakeup; ++i) {
      // A deadline in the past: take what is queued, never block the loop.
      auto packet = capture_->read(buffer_, std::chrono::steady_clock::time_point{});
      if (!packet) break;
      dispatch(std::span<const std::uint8_t>(buffer_.data(), packet->length), packet->received_at);
      // The last run may have ended inside dispatch, closing this capture
      // (and a new one, opened since, has its own wait).
      if (generation_ != generation) return;
    }
  } catch (const Error& e) {
    fail(Error(e.code(), std::string("ReceiveProbe() failed: ") + e.what()));
    return;
  }
  wait();
}

void ReplyDemux::dispatch(std::span<const std::uint8_t> packet, platform::WireTime received_at) {
  auto route = probes::reply_route(packet);
  auto it = route ? routes_.find(*route) : routes_.end();
  if (it == routes_.end()) {
    ++unrouted_;
    unrouted_total_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  ++routed_;
  if (it->second.size() == 1) {
    // The receiver may unregister inside the call: `it` is not used after it.
    if (auto receiver = it->second.front().receiver.lock()) receiver->on_reply(packet, received_at);
    return;
  }
  // Several owners: copy, since any of them may unregister while handling it.
  std::vector<Entry> owners = it->second;
  for (const auto& owner : owners) {
    if (auto receiver = owner.receiver.lock()) receiver->on_reply(packet, received_at);
  }
}

void ReplyDemux::fail(const Error& error) {
  spdlog::error("engine: shared reply capture failed: {}", error.what());
  std::vector<std::shared_ptr<Receiver>> everyone;
  for (auto& [route, entries] : routes_) {
    for (auto& e : entries) {
      if (auto receiver = e.receiver.lock()) everyone.push_back(std::move(receiver));
    }
  }
  // Closed before telling anyone: the runs end, and the next one opens a new capture.
  ++generation_;
  capture_.reset();
  for (auto& receiver : everyone) receiver->on_capture_error(error);
}

}  // namespace ddtr::engine
