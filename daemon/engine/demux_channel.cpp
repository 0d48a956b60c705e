// Raw probes through the engine's shared demux: sent through the family's
// shared sink, replies handed over by route and judged by the strategy.
#include "daemon/engine/probe_channel.hpp"
#include "daemon/engine/reply_demux.hpp"

namespace ddtr::engine {
namespace {

class DemuxChannel final : public ProbeChannel,
                           public ReplyDemux::Receiver,
                           public std::enable_shared_from_this<DemuxChannel> {
 public:
  DemuxChannel(std::shared_ptr<ReplyDemux> demux, std::unique_ptr<probes::ProbeStrategy> strategy,
               probes::ReplyRoute route)
      : demux_(std::move(demux)), strategy_(std::move(strategy)), route_(route) {}

  void start(ResponseHandler on_response, ErrorHandler on_error) override {
    on_response_ = std::move(on_response);
    on_error_ = std::move(on_error);
    // Registered before the first probe leaves, so no reply can come too early.
    registration_ = demux_->listen(route_, std::weak_ptr<ReplyDemux::Receiver>(weak_from_this()));
  }

  platform::WireTime send(int ttl) override {
    auto packet = strategy_->build_probe(ttl);
    return demux_->send(route_.ipv6, packet, strategy_->destination());
  }

  void close() override {
    closed_ = true;
    registration_.reset();
  }

  void on_reply(std::span<const std::uint8_t> ip_packet, platform::WireTime received_at) override {
    if (closed_) return;
    // The route only narrows the search: the strategy checks addresses,
    // sequence and TTL exactly, as it does on a capture of its own.
    if (auto response = strategy_->match(ip_packet)) on_response_(*response, received_at);
  }

  void on_capture_error(const Error& error) override {
    if (closed_) return;
    auto on_error = on_error_;
    on_error(error);
  }

 private:
  std::shared_ptr<ReplyDemux> demux_;
  std::unique_ptr<probes::ProbeStrategy> strategy_;
  probes::ReplyRoute route_;
  ReplyDemux::Registration registration_;
  ResponseHandler on_response_;
  ErrorHandler on_error_;
  bool closed_ = false;
};

}  // namespace

std::shared_ptr<ProbeChannel> make_demux_channel(std::shared_ptr<ReplyDemux> demux,
                                                 std::unique_ptr<probes::ProbeStrategy> strategy,
                                                 probes::ReplyRoute route) {
  return std::make_shared<DemuxChannel>(std::move(demux), std::move(strategy), route);
}

}  // namespace ddtr::engine
