#include <map>

#include "daemon/engine/probe_channel.hpp"
#include "platform/tcp_connect_probe.hpp"

namespace ddtr::engine {
namespace {

// syn_socket: one kernel connect per TTL. A router's ICMP error names the hop;
// the target's SYN-ACK or RST (connected or refused) is the destination.
class ConnectChannel final : public ProbeChannel, public std::enable_shared_from_this<ConnectChannel> {
 public:
  ConnectChannel(boost::asio::io_context& io, Endpoint target) : io_(io), target_(target) {}

  void start(ResponseHandler on_response, ErrorHandler /*on_error*/) override { on_response_ = std::move(on_response); }

  platform::WireTime send(int ttl) override {
    auto probe = platform::start_tcp_connect_probe(io_, target_, ttl);
    auto sent_at = probe->sent_at();
    probe->async_outcome([weak = weak_from_this(), ttl](platform::ConnectOutcome outcome) {
      auto self = weak.lock();
      if (!self || self->closed_) return;
      self->probes_.erase(ttl);  // closes the socket: a connected one is done with
      using Kind = platform::ConnectOutcome::Kind;
      switch (outcome.kind) {
        case Kind::Connected:
        case Kind::Refused:
          self->on_response_(probes::ProbeResponse{ttl, self->target_.address, true}, outcome.at);
          break;
        case Kind::IcmpError:
          self->on_response_(probes::ProbeResponse{ttl, outcome.from, outcome.from == self->target_.address},
                             outcome.at);
          break;
        case Kind::Failed:
          break;  // no attributable answer: the hop times out
      }
    });
    probes_[ttl] = std::move(probe);
    return sent_at;
  }

  void close() override {
    closed_ = true;
    for (auto& [ttl, probe] : probes_) probe->cancel();
    probes_.clear();
  }

 private:
  boost::asio::io_context& io_;
  Endpoint target_;
  ResponseHandler on_response_;
  std::map<int, std::unique_ptr<platform::TcpConnectProbe>> probes_;
  bool closed_ = false;
};

}  // namespace

std::shared_ptr<ProbeChannel> make_connect_channel(boost::asio::io_context& io, const Endpoint& target) {
  return std::make_shared<ConnectChannel>(io, target);
}

}  // namespace ddtr::engine
