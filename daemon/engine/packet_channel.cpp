#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "daemon/engine/probe_channel.hpp"

namespace ddtr::engine {

void ProbeChannel::prepare(std::function<void(std::optional<Error>)> done) { done(std::nullopt); }

namespace {

// Enough for any reply we parse (a quoted IPv6 packet is < 200 bytes); longer
// frames are truncated, which the parsers accept.
constexpr std::size_t kReceiveBuffer = 1500;
// Packets handled per wake-up before yielding to other runs on the loop.
constexpr int kPacketsPerWakeup = 64;

class PacketChannel final : public ProbeChannel, public std::enable_shared_from_this<PacketChannel> {
 public:
  PacketChannel(std::unique_ptr<probes::ProbeStrategy> strategy, platform::SourceSinkHandle handle)
      : strategy_(std::move(strategy)), handle_(std::move(handle)), buffer_(kReceiveBuffer) {}

  void start(ResponseHandler on_response, ErrorHandler on_error) override {
    try {
      handle_.source->set_packet_filter(strategy_->filter());
    } catch (const Error& e) {
      throw Error(e.code(), std::string("failed to set packet filter: ") + e.what());
    }
    on_response_ = std::move(on_response);
    on_error_ = std::move(on_error);
    wait();
  }

  platform::WireTime send(int ttl) override {
    auto packet = strategy_->build_probe(ttl);
    return handle_.sink->write_to(packet, strategy_->destination());
  }

  void close() override {
    if (closed_) return;
    closed_ = true;
    handle_.source->cancel();
  }

 private:
  void wait() {
    handle_.source->async_wait_readable([self = shared_from_this()](std::error_code ec) {
      if (self->closed_) return;
      if (ec) {
        self->fail(Error(ErrorCode::Unknown, "ConnHandle failed to wait: " + ec.message()));
        return;
      }
      self->read();
    });
  }

  void read() {
    try {
      for (int i = 0; i < kPacketsPerWakeup && !closed_; ++i) {
        // A deadline in the past: take what is queued, never block the loop.
        auto packet = handle_.source->read(buffer_, std::chrono::steady_clock::time_point{});
        if (!packet) break;
        auto bytes = std::span<const std::uint8_t>(buffer_.data(), packet->length);
        if (auto response = strategy_->match(bytes)) on_response_(*response, packet->received_at);
      }
    } catch (const Error& e) {
      fail(Error(e.code(), std::string("ReceiveProbe() failed: ") + e.what()));
      return;
    }
    if (!closed_) wait();
  }

  void fail(Error error) {
    if (closed_) return;
    auto on_error = on_error_;
    on_error(std::move(error));
  }

  std::unique_ptr<probes::ProbeStrategy> strategy_;
  platform::SourceSinkHandle handle_;
  std::vector<std::uint8_t> buffer_;
  ResponseHandler on_response_;
  ErrorHandler on_error_;
  bool closed_ = false;
};

}  // namespace

std::shared_ptr<ProbeChannel> make_packet_channel(boost::asio::io_context& /*io*/,
                                                  std::unique_ptr<probes::ProbeStrategy> strategy,
                                                  platform::SourceSinkHandle handle) {
  return std::make_shared<PacketChannel>(std::move(strategy), std::move(handle));
}

}  // namespace ddtr::engine
