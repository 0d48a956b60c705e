// SOCK_DIAG_BY_FAMILY with the exact 4-tuple (not a dump): the kernel looks
// the one socket up and reports the uid that created it (`idiag_uid`).
#include "platform/socket_owner.hpp"

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace ddtr::platform {
namespace {

// TCP states in which the socket still belongs to a connected, open socket.
// Refused: LISTEN (a listener on the peer's port is not the peer), TIME_WAIT
// and NEW_SYN_RECV (mini sockets, reported with uid 0), SYN_RECV and CLOSE.
bool connected_state(std::uint8_t state) {
  switch (state) {
    case TCP_ESTABLISHED:
    case TCP_FIN_WAIT1:
    case TCP_FIN_WAIT2:
    case TCP_CLOSE_WAIT:
    case TCP_LAST_ACK:
    case TCP_CLOSING:
      return true;
    default:
      return false;
  }
}

// The address as the kernel's inet_diag_sockid holds it (four be32 words).
void put_address(const IpAddress& address, __be32 (&out)[4]) {
  std::memset(out, 0, sizeof out);
  if (address.is_v4()) {
    auto bytes = address.to_v4().to_bytes();
    std::memcpy(out, bytes.data(), bytes.size());
  } else {
    auto bytes = address.to_v6().to_bytes();
    std::memcpy(out, bytes.data(), bytes.size());
  }
}

}  // namespace

SocketOwnerLookup::SocketOwnerLookup() {
  fd_ = ::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd_ < 0) return;
  // The kernel answers while sendto() runs; the timeout only guards a kernel
  // that does not, so a lookup never holds the HTTP thread long.
  timeval timeout{0, 200'000};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
}

SocketOwnerLookup::~SocketOwnerLookup() {
  if (fd_ >= 0) ::close(fd_);
}

SocketOwnerLookup::Owner SocketOwnerLookup::tcp_peer_owner(const Endpoint& local, const Endpoint& peer) {
  using Status = Owner::Status;
  if (fd_ < 0 || local.address.is_v4() != peer.address.is_v4()) return {};
  struct {
    nlmsghdr header;
    inet_diag_req_v2 body;
  } request{};
  std::uint32_t sequence = ++sequence_;
  request.header.nlmsg_len = sizeof request;
  request.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  request.header.nlmsg_flags = NLM_F_REQUEST;  // one socket, by its tuple
  request.header.nlmsg_seq = sequence;
  request.body.sdiag_family = peer.address.is_v4() ? AF_INET : AF_INET6;
  request.body.sdiag_protocol = IPPROTO_TCP;
  request.body.idiag_states = ~0u;
  // The peer's socket: its local end is our peer, its remote end is us.
  inet_diag_sockid& id = request.body.id;
  id.idiag_sport = htons(peer.port);
  id.idiag_dport = htons(local.port);
  put_address(peer.address, id.idiag_src);
  put_address(local.address, id.idiag_dst);
  id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
  id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(fd_, &request, sizeof request, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0) {
    return {};
  }
  alignas(nlmsghdr) std::array<char, 8192> buffer{};
  // Answers to earlier lookups that timed out may still be queued: skip them.
  for (int reads = 0; reads < 8; ++reads) {
    ssize_t received = ::recv(fd_, buffer.data(), buffer.size(), 0);
    if (received < 0) return {};
    auto* header = reinterpret_cast<nlmsghdr*>(buffer.data());
    for (auto left = static_cast<unsigned>(received); NLMSG_OK(header, left); header = NLMSG_NEXT(header, left)) {
      if (header->nlmsg_seq != sequence) continue;
      if (header->nlmsg_type == NLMSG_ERROR && header->nlmsg_len >= NLMSG_LENGTH(sizeof(nlmsgerr))) {
        int error = -static_cast<const nlmsgerr*>(NLMSG_DATA(header))->error;
        return error == ENOENT ? Owner{Status::NoSuchSocket, 0} : Owner{};
      }
      if (header->nlmsg_type != SOCK_DIAG_BY_FAMILY || header->nlmsg_len < NLMSG_LENGTH(sizeof(inet_diag_msg))) {
        return {};
      }
      const auto* reply = static_cast<const inet_diag_msg*>(NLMSG_DATA(header));
      // Exactly the socket asked for, alive and attached to a file (an
      // orphaned or mini socket has inode 0 and may report uid 0).
      bool same = reply->id.idiag_sport == id.idiag_sport && reply->id.idiag_dport == id.idiag_dport &&
                  std::memcmp(reply->id.idiag_src, id.idiag_src, sizeof id.idiag_src) == 0 &&
                  std::memcmp(reply->id.idiag_dst, id.idiag_dst, sizeof id.idiag_dst) == 0;
      if (!same || !connected_state(reply->idiag_state) || reply->idiag_inode == 0) return {Status::NoSuchSocket, 0};
      return {Status::Found, reply->idiag_uid};
    }
  }
  return {};
}

}  // namespace ddtr::platform
