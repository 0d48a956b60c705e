// syn_socket on Windows: winconn's socket per TTL, its connect watched through
// an event (WSAEventSelect FD_CONNECT) that Asio waits on, so no thread and no
// polling loop is needed; the outcome is read with winconn's SO_ERROR and
// TCP_ICMP_ERROR_INFO exactly as GetHop reads it.
#include "platform/tcp_connect_probe.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/windows/object_handle.hpp>

#include "platform/windows/common/win_error.hpp"
#include "platform/windows/winconn/winconn.hpp"
#include "shared/common/error.hpp"

namespace ddtr::platform {
namespace {

using windows::winconn::Conn;

ConnectOutcome outcome_of(int error, Conn& conn, const Endpoint& target) {
  ConnectOutcome out;
  out.at = WireClock::now();
  if (error == 0) {
    out.kind = ConnectOutcome::Kind::Connected;
    out.from = target.address;
  } else if (error == WSAECONNREFUSED) {
    out.kind = ConnectOutcome::Kind::Refused;
    out.from = target.address;
  } else if (error == WSAEHOSTUNREACH) {
    try {
      auto info = conn.icmp_error_info();
      out.kind = ConnectOutcome::Kind::IcmpError;
      out.from = info.source;
      out.icmp_type = info.type;
      out.icmp_code = info.code;
    } catch (const Error& e) {
      out.kind = ConnectOutcome::Kind::Failed;
      out.error = e.what();
    }
  } else {
    out.kind = ConnectOutcome::Kind::Failed;
    out.error = windows::system_message(static_cast<std::uint32_t>(error));
  }
  return out;
}

class WindowsTcpConnectProbe final : public TcpConnectProbe {
 public:
  WindowsTcpConnectProbe(boost::asio::io_context& io, const Endpoint& target, int ttl)
      : io_(io), event_(io), target_(target) {
    conn_.set_ttl(ttl);
    HANDLE event = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
    if (event == nullptr) windows::throw_last_error("failed to create an event");
    event_.assign(event);  // owns it from here
    if (::WSAEventSelect(conn_.native(), event, FD_CONNECT) != 0) {
      windows::throw_last_wsa_error("failed to watch the connect");
    }
    sent_at_ = WireClock::now();
    int error = conn_.start_connect(target);
    if (error != WSAEWOULDBLOCK) immediate_ = outcome_of(error, conn_, target_);
  }

  WireTime sent_at() const override { return sent_at_; }

  void async_outcome(std::function<void(ConnectOutcome)> handler) override {
    if (immediate_) {
      boost::asio::post(io_, [handler, outcome = *immediate_] { handler(outcome); });
      return;
    }
    event_.async_wait([this, handler](const boost::system::error_code& ec) {
      if (ec) return;  // cancelled
      WSANETWORKEVENTS events{};
      int error = 0;
      if (::WSAEnumNetworkEvents(conn_.native(), event_.native_handle(), &events) != 0) {
        error = ::WSAGetLastError();
      } else if (events.lNetworkEvents & FD_CONNECT) {
        error = events.iErrorCode[FD_CONNECT_BIT];
      }
      handler(outcome_of(error, conn_, target_));
    });
  }

  void cancel() override {
    boost::system::error_code ignored;
    event_.cancel(ignored);
  }

 private:
  boost::asio::io_context& io_;
  Conn conn_;  // winconn's socket: FIONBIO, TCP_FAIL_CONNECT_ON_ICMP_ERROR
  boost::asio::windows::object_handle event_;
  Endpoint target_;
  WireTime sent_at_;
  std::optional<ConnectOutcome> immediate_;
};

}  // namespace

std::unique_ptr<TcpConnectProbe> start_tcp_connect_probe(boost::asio::io_context& io, const Endpoint& target,
                                                         int ttl) {
  if (!target.address.is_v4()) {
    // winconn is IPv4 only, as upstream's.
    throw Error(ErrorCode::Unknown, "failed to get hop: failed to send connect: unable to parse IP address");
  }
  return std::make_unique<WindowsTcpConnectProbe>(io, target, ttl);
}

}  // namespace ddtr::platform
