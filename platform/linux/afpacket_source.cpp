#include "platform/linux/afpacket_source.hpp"

#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/net_tstamp.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>

#include <algorithm>
#include <array>
#include <cerrno>

#include "platform/linux/cbpf_filters.hpp"
#include "platform/linux/unique_fd.hpp"
#include "shared/common/error.hpp"

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

namespace ddtr::platform::linux_ {
namespace {

UniqueFd open_packet_socket() {
  UniqueFd fd(::socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL)));
  if (!fd.valid()) throw_errno("NewSourceSink failed to make AFPacketSource: failed to create packet socket", errno);
  int one = 1;
  // Our own probes would otherwise come back to us through the capture; kernels
  // older than 4.20 lack the option, and read() also checks sll_pkttype.
  (void)::setsockopt(fd.get(), SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
  if (::setsockopt(fd.get(), SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one) != 0) {
    throw_errno("failed to enable SO_TIMESTAMPNS", errno);
  }
  return fd;
}

void attach(int fd, const std::vector<sock_filter>& program) {
  if (program.size() > 0xffff) throw Error(ErrorCode::Unknown, "filter too large");
  sock_fprog prog{static_cast<unsigned short>(program.size()), const_cast<sock_filter*>(program.data())};
  if (::setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) != 0) {
    throw_errno("SetBPFAndDrain failed to attach filter", errno);
  }
}

}  // namespace

AfPacketSource::AfPacketSource(boost::asio::io_context& io) : socket_(io) {
  UniqueFd fd = open_packet_socket();
  socket_.assign(fd.release());
}

void AfPacketSource::set_packet_filter(const PacketFilterSpec& spec) {
  int fd = socket_.native_handle();
  if (spec.type == FilterType::None) {
    int dummy = 0;
    if (::setsockopt(fd, SOL_SOCKET, SO_DETACH_FILTER, &dummy, sizeof dummy) != 0 && errno != ENOENT) {
      throw_errno("RemoveBPF failed to detach filter", errno);
    }
    return;
  }
  install_program(build_cbpf_program(spec));
}

void AfPacketSource::install_program(const std::vector<sock_filter>& program) {
  // A packet socket cannot be created with its filter atomically: block
  // everything, flush what queued unfiltered, then install the real program.
  int fd = socket_.native_handle();
  attach(fd, drop_all_program());
  drain();
  attach(fd, program);
}

void AfPacketSource::set_receive_buffer(int bytes) {
  int fd = socket_.native_handle();
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes) != 0) {
    (void)::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
  }
}

void AfPacketSource::drain() {
  std::array<std::uint8_t, 1> byte{};
  while (::recv(socket_.native_handle(), byte.data(), byte.size(), MSG_DONTWAIT) >= 0) {
  }
  if (errno != EAGAIN && errno != EWOULDBLOCK) throw_errno("SetBPFAndDrain failed to drain", errno);
}

std::optional<ReceivedPacket> AfPacketSource::try_receive(std::span<std::uint8_t> buffer) {
  for (;;) {
    sockaddr_ll from{};
    iovec iov{buffer.data(), buffer.size()};
    alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(timespec)) * 2> control{};
    msghdr msg{};
    msg.msg_name = &from;
    msg.msg_namelen = sizeof from;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.data();
    msg.msg_controllen = control.size();
    ssize_t n = ::recvmsg(socket_.native_handle(), &msg, MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return std::nullopt;
      if (errno == EINTR) continue;
      throw_errno("ConnHandle failed to Read", errno);
    }
    if (from.sll_pkttype == PACKET_OUTGOING) continue;
    if (n == 0) continue;
    ReceivedPacket packet;
    packet.length = std::min<std::size_t>(static_cast<std::size_t>(n), buffer.size());
    packet.received_at = WireClock::now();
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
        timespec ts{};
        std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
        packet.received_at = WireTime(std::chrono::duration_cast<WireClock::duration>(
            std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec)));
      }
    }
    return packet;
  }
}

std::optional<ReceivedPacket> AfPacketSource::read(std::span<std::uint8_t> buffer, Deadline deadline) {
  for (;;) {
    if (auto packet = try_receive(buffer)) return packet;
    auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (remaining.count() <= 0) return std::nullopt;
    pollfd pfd{socket_.native_handle(), POLLIN, 0};
    int rc = ::poll(&pfd, 1, static_cast<int>(std::min<long long>(remaining.count() + 1, 60'000)));
    if (rc < 0 && errno != EINTR) throw_errno("ConnHandle failed to poll", errno);
  }
}

void AfPacketSource::async_wait_readable(std::function<void(std::error_code)> handler) {
  socket_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                     [handler = std::move(handler)](const boost::system::error_code& ec) {
                       handler(static_cast<std::error_code>(ec));
                     });
}

void AfPacketSource::cancel() {
  boost::system::error_code ignored;
  socket_.cancel(ignored);
}

}  // namespace ddtr::platform::linux_
