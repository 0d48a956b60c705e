// macOS only.
//
// <netinet6/in6.h> exposes RFC 3542's IPV6_PKTINFO / IPV6_HOPLIMIT ancillary
// data only when this is defined before <netinet/in.h> is first included
// (otherwise the RFC 2292 values, or nothing); hence before every include.
#define __APPLE_USE_RFC_3542 1

#include "platform/darwin/raw_socket_sink.hpp"

#include <fcntl.h>       // fcntl, O_NONBLOCK, FD_CLOEXEC
#include <netinet/in.h>  // IPPROTO_*, IP_HDRINCL, IPV6_PKTINFO, IPV6_HOPLIMIT, struct in6_pktinfo
#include <poll.h>        // poll (fine on sockets; macOS only lacks it for devices)
#include <sys/socket.h>  // socket, sendto, sendmsg, CMSG_*
#include <sys/uio.h>     // struct iovec

#include <array>
#include <cerrno>
#include <cstring>

#include "platform/darwin/bsd_raw_send.hpp"
#include "shared/common/error.hpp"

namespace ddtr::platform::darwin {
namespace {

// macOS has no SOCK_NONBLOCK / SOCK_CLOEXEC socket flags.
UniqueFd raw_socket(int family, int protocol) {
  UniqueFd fd(::socket(family, SOCK_RAW, protocol));
  if (!fd.valid()) throw_errno("failed to create raw socket", errno);
  if (::fcntl(fd.get(), F_SETFD, FD_CLOEXEC) != 0 ||
      ::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) | O_NONBLOCK) != 0) {
    throw_errno("failed to configure raw socket", errno);
  }
  return fd;
}

// The engine thread must not block on a send: retry a few times when the
// socket (EAGAIN) or the interface queue (ENOBUFS, BSD's answer to a full
// queue) is full, then report the failure rather than lose the probe silently.
template <typename Send>
WireTime send_with_retry(int fd, Send send) {
  for (int attempt = 0;; ++attempt) {
    WireTime sent_at = WireClock::now();
    if (send() >= 0) return sent_at;
    if (errno == EINTR) continue;
    if ((errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) && attempt < 10) {
      pollfd pfd{fd, POLLOUT, 0};
      ::poll(&pfd, 1, errno == ENOBUFS ? 1 : 100);  // ENOBUFS: the socket is writable, just pause
      continue;
    }
    throw_errno("failed to send packet", errno);
  }
}

}  // namespace

RawSocketSink::RawSocketSink(bool ipv6) : ipv6_(ipv6) {
  if (ipv6) return;  // the per-protocol sockets open on first use
  v4_ = raw_socket(AF_INET, IPPROTO_RAW);
  int one = 1;
  if (::setsockopt(v4_.get(), IPPROTO_IP, IP_HDRINCL, &one, sizeof one) != 0) {
    throw_errno("failed to set header include option", errno);
  }
}

int RawSocketSink::v6_socket(std::uint8_t protocol) {
  auto found = v6_by_protocol_.find(protocol);
  if (found != v6_by_protocol_.end()) return found->second.get();
  // raw_ip6.c writes ip6_nxt from the socket's protocol (in6p_ip6_nxt), so an
  // IPPROTO_RAW socket (upstream's choice) would label every probe as
  // protocol 255. For ICMPv6 the kernel always rewrites the checksum, over the
  // same source address as ours.
  auto fd = raw_socket(AF_INET6, protocol);
  int raw = fd.get();
  v6_by_protocol_.emplace(protocol, std::move(fd));
  return raw;
}

WireTime RawSocketSink::write_to(std::span<const std::uint8_t> packet, const Endpoint& destination) {
  if (destination.address.is_v6() != ipv6_) {
    throw Error(ErrorCode::Unknown, "SinkDarwin supports only IPv4 or IPv6 addresses of its own family");
  }
  return ipv6_ ? write_v6(packet, destination) : write_v4(packet, destination);
}

WireTime RawSocketSink::write_v4(std::span<const std::uint8_t> packet, const Endpoint& destination) {
  std::vector<std::uint8_t> bytes = ipv4_for_bsd_raw_socket(packet);
  sockaddr_in sin{};
  sin.sin_len = sizeof sin;
  sin.sin_family = AF_INET;
  auto address = destination.address.to_v4().to_bytes();
  std::memcpy(&sin.sin_addr, address.data(), address.size());
  return send_with_retry(v4_.get(), [&] {
    return ::sendto(v4_.get(), bytes.data(), bytes.size(), 0, reinterpret_cast<const sockaddr*>(&sin), sizeof sin);
  });
}

WireTime RawSocketSink::write_v6(std::span<const std::uint8_t> packet, const Endpoint& destination) {
  Ipv6RawSend plan = split_ipv6_for_raw_socket(packet);
  int fd = v6_socket(plan.next_header);
  sockaddr_in6 sin6{};
  sin6.sin6_len = sizeof sin6;
  sin6.sin6_family = AF_INET6;
  auto address = destination.address.to_v6();
  auto bytes = address.to_bytes();
  std::memcpy(&sin6.sin6_addr, bytes.data(), bytes.size());
  sin6.sin6_scope_id = static_cast<std::uint32_t>(address.scope_id());

  iovec iov{const_cast<std::uint8_t*>(plan.payload.data()), plan.payload.size()};
  alignas(cmsghdr) std::array<unsigned char, CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(in6_pktinfo))> control{};
  msghdr msg{};
  msg.msg_name = &sin6;
  msg.msg_namelen = sizeof sin6;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.data();
  msg.msg_controllen = static_cast<socklen_t>(control.size());
  // Per packet, not setsockopt: the hop limit is the probe's TTL, and the
  // source must be the one the transport checksum was computed over.
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = IPPROTO_IPV6;
  c->cmsg_type = IPV6_HOPLIMIT;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  int hop_limit = plan.hop_limit;
  std::memcpy(CMSG_DATA(c), &hop_limit, sizeof hop_limit);
  c = CMSG_NXTHDR(&msg, c);
  c->cmsg_level = IPPROTO_IPV6;
  c->cmsg_type = IPV6_PKTINFO;
  c->cmsg_len = CMSG_LEN(sizeof(in6_pktinfo));
  in6_pktinfo info{};
  std::memcpy(&info.ipi6_addr, plan.source.data(), plan.source.size());
  std::memcpy(CMSG_DATA(c), &info, sizeof info);
  return send_with_retry(fd, [&] { return ::sendmsg(fd, &msg, 0); });
}

}  // namespace ddtr::platform::darwin
