#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include "daemon/engine/go_error_text.hpp"
#include "daemon/engine/probe_channel.hpp"
#include "daemon/probes/tcp/sack_probe.hpp"
#include "platform/source_sink.hpp"

namespace ddtr::engine {
namespace {

// How long the SYN-ACK may take to show up in the capture once connected
// (upstream's fixed ReadHandshake deadline).
constexpr std::chrono::milliseconds kHandshakeRead{500};

// SACK: open a real connection (the kernel does the handshake), capture its
// SYN-ACK to learn the sequence numbers and options, then probe with raw
// out-of-order segments through a packet channel. The connection stays open
// for the run and is closed (FIN) when the channel closes.
class SackChannel final : public ProbeChannel, public std::enable_shared_from_this<SackChannel> {
 public:
  SackChannel(boost::asio::io_context& io, SackChannelConfig config)
      : io_(io), config_(config), socket_(io), timer_(io), buffer_(1500) {}

  void prepare(std::function<void(std::optional<Error>)> done) override {
    done_ = std::move(done);
    handle_ = platform::new_source_sink(io_, config_.target.address, config_.capture);
    handle_.source->set_packet_filter({platform::FilterType::SynAck, config_.target, {}});
    // Bind first, so the SYN-ACK's destination port is known before it arrives.
    boost::asio::ip::tcp::endpoint local(config_.local, 0);
    boost::system::error_code ec;
    socket_.open(local.protocol(), ec);
    if (!ec) socket_.bind(local, ec);
    auto bound = ec ? boost::asio::ip::tcp::endpoint{} : socket_.local_endpoint(ec);
    if (ec) {
      throw Error(error_code_from_errno(ec.value()),
                  "sack traceroute: cannot bind a local port: " + go_error_case(ec.message()));
    }
    local_ = Endpoint{config_.local, bound.port()};
    wait_for_synack();
    timer_.expires_after(config_.handshake_timeout);
    timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
      if (auto self = weak.lock(); self && !ec) {
        self->fail(Error::not_supported(ErrorCode::Timeout, "sack traceroute failed to dial: " +
                                                                go_dial_error(self->config_.target, "i/o timeout")));
      }
    });
    boost::asio::ip::tcp::endpoint target(config_.target.address, config_.target.port);
    socket_.async_connect(target, [weak = weak_from_this()](const boost::system::error_code& ec) {
      auto self = weak.lock();
      if (!self || !self->done_) return;
      if (ec) {
        // wrap_run_error adds upstream's "SACK not supported for this target/source: ".
        self->fail(Error::not_supported(
            error_code_from_errno(ec.value()),
            "sack traceroute failed to dial: " +
                go_dial_error(self->config_.target, "connect: " + go_error_case(ec.message()))));
        return;
      }
      self->connected_ = true;
      self->timer_.expires_after(kHandshakeRead);
      self->timer_.async_wait([weak](const boost::system::error_code& timer_ec) {
        if (auto s = weak.lock(); s && !timer_ec) s->fail(Error(ErrorCode::Timeout, "sackDriver readHandshake timed out"));
      });
      self->maybe_ready();
    });
  }

  void start(ResponseHandler on_response, ErrorHandler on_error) override {
    inner_->start(std::move(on_response), std::move(on_error));
  }

  platform::WireTime send(int ttl) override { return inner_->send(ttl); }

  void close() override {
    done_ = nullptr;
    timer_.cancel();
    boost::system::error_code ignored;
    socket_.close(ignored);
    if (inner_) {
      inner_->close();
    } else if (handle_.source) {
      handle_.source->cancel();
    }
  }

 private:
  void wait_for_synack() {
    handle_.source->async_wait_readable([weak = weak_from_this()](std::error_code ec) {
      auto self = weak.lock();
      if (!self || !self->done_ || self->synack_ || ec) return;
      try {
        while (auto packet = self->handle_.source->read(self->buffer_, std::chrono::steady_clock::time_point{})) {
          std::span<const std::uint8_t> bytes(self->buffer_.data(), packet->length);
          if (probes::is_handshake_synack(bytes, self->local_, self->config_.target)) {
            self->synack_.emplace(bytes.begin(), bytes.end());
            self->maybe_ready();
            return;
          }
        }
      } catch (const Error& e) {
        self->fail(e);
        return;
      }
      self->wait_for_synack();
    });
  }

  void maybe_ready() {
    if (!connected_ || !synack_ || !done_) return;
    timer_.cancel();
    try {
      auto config = probes::sack_config_from_synack(*synack_, local_, config_.target, config_.min_ttl, config_.max_ttl);
      inner_ = make_packet_channel(io_, std::make_unique<probes::SackProbe>(config), std::move(handle_));
    } catch (const Error& e) {
      fail(e);
      return;
    }
    auto done = std::move(done_);
    done_ = nullptr;
    done(std::nullopt);
  }

  void fail(Error error) {
    if (!done_) return;
    auto done = std::move(done_);
    done_ = nullptr;
    timer_.cancel();
    done(std::move(error));
  }

  boost::asio::io_context& io_;
  SackChannelConfig config_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer timer_;
  std::vector<std::uint8_t> buffer_;
  platform::SourceSinkHandle handle_;
  std::shared_ptr<ProbeChannel> inner_;
  std::function<void(std::optional<Error>)> done_;
  Endpoint local_;
  std::optional<std::vector<std::uint8_t>> synack_;
  bool connected_ = false;
};

}  // namespace

std::shared_ptr<ProbeChannel> make_sack_channel(boost::asio::io_context& io, SackChannelConfig config) {
  return std::make_shared<SackChannel>(io, config);
}

}  // namespace ddtr::engine
