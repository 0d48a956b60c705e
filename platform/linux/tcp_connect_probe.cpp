#include "platform/tcp_connect_probe.hpp"

#include <linux/errqueue.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <cerrno>
#include <cstring>

#include "platform/posix/unique_fd.hpp"
#include "shared/common/error.hpp"

namespace ddtr::platform {
namespace {

IpAddress from_sockaddr(const sockaddr* sa) {
  if (sa->sa_family == AF_INET6) {
    auto* sin6 = reinterpret_cast<const sockaddr_in6*>(sa);
    boost::asio::ip::address_v6::bytes_type bytes;
    std::memcpy(bytes.data(), &sin6->sin6_addr, bytes.size());
    return boost::asio::ip::address_v6(bytes);
  }
  auto* sin = reinterpret_cast<const sockaddr_in*>(sa);
  boost::asio::ip::address_v4::bytes_type bytes;
  std::memcpy(bytes.data(), &sin->sin_addr, bytes.size());
  return boost::asio::ip::address_v4(bytes);
}

class LinuxTcpConnectProbe final : public TcpConnectProbe {
 public:
  LinuxTcpConnectProbe(boost::asio::io_context& io, const Endpoint& target, int ttl)
      : io_(io), socket_(io), target_(target) {
    bool v6 = target.address.is_v6();
    UniqueFd fd(::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd.valid()) throw_errno("failed to create socket", errno);
    int one = 1;
    int rc = v6 ? ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof ttl)
                : ::setsockopt(fd.get(), IPPROTO_IP, IP_TTL, &ttl, sizeof ttl);
    if (rc != 0) throw_errno("failed to set the TTL", errno);
    rc = v6 ? ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_RECVERR, &one, sizeof one)
            : ::setsockopt(fd.get(), IPPROTO_IP, IP_RECVERR, &one, sizeof one);
    if (rc != 0) throw_errno("failed to enable the error queue", errno);
    // The error queue's messages then carry the kernel's receive time.
    (void)::setsockopt(fd.get(), SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);

    sockaddr_storage peer{};
    socklen_t length;
    if (v6) {
      auto* sin6 = reinterpret_cast<sockaddr_in6*>(&peer);
      sin6->sin6_family = AF_INET6;
      sin6->sin6_port = htons(target.port);
      auto bytes = target.address.to_v6().to_bytes();
      std::memcpy(&sin6->sin6_addr, bytes.data(), bytes.size());
      length = sizeof *sin6;
    } else {
      auto* sin = reinterpret_cast<sockaddr_in*>(&peer);
      sin->sin_family = AF_INET;
      sin->sin_port = htons(target.port);
      auto bytes = target.address.to_v4().to_bytes();
      std::memcpy(&sin->sin_addr, bytes.data(), bytes.size());
      length = sizeof *sin;
    }
    sent_at_ = WireClock::now();
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&peer), length) != 0 && errno != EINPROGRESS) {
      if (errno == ECONNREFUSED) {
        immediate_ = ConnectOutcome{ConnectOutcome::Kind::Refused, target.address, 0, 0, WireClock::now(), {}};
      } else {
        throw_errno("failed to send connect", errno);
      }
    }
    socket_.assign(fd.release());
  }

  WireTime sent_at() const override { return sent_at_; }

  void async_outcome(std::function<void(ConnectOutcome)> handler) override {
    if (immediate_) {
      boost::asio::post(io_, [handler, outcome = *immediate_] { handler(outcome); });
      return;
    }
    // A finished connect (or an ICMP error) makes the socket writable/erroring.
    socket_.async_wait(boost::asio::posix::stream_descriptor::wait_write,
                       [this, handler](const boost::system::error_code& ec) {
                         if (ec) return;  // cancelled
                         handler(outcome());
                       });
  }

  void cancel() override {
    boost::system::error_code ignored;
    socket_.cancel(ignored);
  }

 private:
  ConnectOutcome outcome() {
    ConnectOutcome out;
    out.at = WireClock::now();
    if (read_error_queue(out)) return out;
    int error = 0;
    socklen_t length = sizeof error;
    ::getsockopt(socket_.native_handle(), SOL_SOCKET, SO_ERROR, &error, &length);
    if (error == 0) {
      out.kind = ConnectOutcome::Kind::Connected;
      out.from = target_.address;
    } else if (error == ECONNREFUSED) {
      out.kind = ConnectOutcome::Kind::Refused;
      out.from = target_.address;
    } else {
      out.kind = ConnectOutcome::Kind::Failed;
      out.error = std::strerror(error);
    }
    return out;
  }

  bool read_error_queue(ConnectOutcome& out) {
    std::array<std::uint8_t, 256> data{};
    alignas(cmsghdr) std::array<char, 512> control{};
    iovec iov{data.data(), data.size()};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.data();
    msg.msg_controllen = control.size();
    if (::recvmsg(socket_.native_handle(), &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) return false;
    bool found = false;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      if ((c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR) ||
          (c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_RECVERR)) {
        auto* ee = reinterpret_cast<sock_extended_err*>(CMSG_DATA(c));
        if (ee->ee_origin != SO_EE_ORIGIN_ICMP && ee->ee_origin != SO_EE_ORIGIN_ICMP6) continue;
        out.kind = ConnectOutcome::Kind::IcmpError;
        out.icmp_type = ee->ee_type;
        out.icmp_code = ee->ee_code;
        out.from = from_sockaddr(SO_EE_OFFENDER(ee));
        found = true;
      } else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
        timespec ts{};
        std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
        out.at = WireTime(std::chrono::duration_cast<WireClock::duration>(std::chrono::seconds(ts.tv_sec) +
                                                                          std::chrono::nanoseconds(ts.tv_nsec)));
      }
    }
    return found;
  }

  boost::asio::io_context& io_;
  boost::asio::posix::stream_descriptor socket_;  // owns the fd
  Endpoint target_;
  WireTime sent_at_;
  std::optional<ConnectOutcome> immediate_;
};

}  // namespace

std::unique_ptr<TcpConnectProbe> start_tcp_connect_probe(boost::asio::io_context& io, const Endpoint& target,
                                                         int ttl) {
  return std::make_unique<LinuxTcpConnectProbe>(io, target, ttl);
}

}  // namespace ddtr::platform
