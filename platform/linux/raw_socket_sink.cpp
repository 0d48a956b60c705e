#include "platform/linux/raw_socket_sink.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "shared/common/error.hpp"

namespace ddtr::platform::linux_ {

RawSocketSink::RawSocketSink(bool ipv6) : ipv6_(ipv6) {
  int family = ipv6 ? AF_INET6 : AF_INET;
  fd_.reset(::socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_RAW));
  if (!fd_.valid()) throw_errno("failed to create raw socket", errno);
  int one = 1;
  int rc = ipv6 ? ::setsockopt(fd_.get(), IPPROTO_IPV6, IPV6_HDRINCL, &one, sizeof one)
                : ::setsockopt(fd_.get(), IPPROTO_IP, IP_HDRINCL, &one, sizeof one);
  if (rc != 0) throw_errno("failed to set header include option", errno);
}

WireTime RawSocketSink::write_to(std::span<const std::uint8_t> packet, const Endpoint& destination) {
  sockaddr_storage storage{};
  socklen_t length = 0;
  if (ipv6_) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&storage);
    sin6->sin6_family = AF_INET6;
    auto bytes = destination.address.to_v6().to_bytes();
    std::memcpy(&sin6->sin6_addr, bytes.data(), bytes.size());
    length = sizeof *sin6;
  } else {
    auto* sin = reinterpret_cast<sockaddr_in*>(&storage);
    sin->sin_family = AF_INET;
    auto bytes = destination.address.to_v4().to_bytes();
    std::memcpy(&sin->sin_addr, bytes.data(), bytes.size());
    length = sizeof *sin;
  }
  // A full send buffer is rare for a few probes; wait briefly for room rather
  // than losing the probe.
  for (int attempt = 0;; ++attempt) {
    WireTime sent_at = WireClock::now();
    ssize_t n = ::sendto(fd_.get(), packet.data(), packet.size(), 0,
                         reinterpret_cast<const sockaddr*>(&storage), length);
    if (n >= 0) return sent_at;
    if ((errno == EAGAIN || errno == EWOULDBLOCK) && attempt < 10) {
      pollfd pfd{fd_.get(), POLLOUT, 0};
      ::poll(&pfd, 1, 100);
      continue;
    }
    if (errno == EINTR) continue;
    throw_errno("failed to send packet", errno);
  }
}

}  // namespace ddtr::platform::linux_
