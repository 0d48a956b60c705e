#include "platform/linux/afpacket_source.hpp"

#include <boost/asio/post.hpp>

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
#include <cstring>

#include "platform/linux/cbpf_filters.hpp"
#include "platform/posix/unique_fd.hpp"
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

// The kernel receive stamp of a message, or `fallback`.
WireTime receive_stamp(msghdr& msg, WireTime fallback) {
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
      timespec ts{};
      std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
      return WireTime(std::chrono::duration_cast<WireClock::duration>(std::chrono::seconds(ts.tv_sec) +
                                                                      std::chrono::nanoseconds(ts.tv_nsec)));
    }
  }
  return fallback;
}

struct alignas(cmsghdr) Control {
  char bytes[CMSG_SPACE(sizeof(timespec)) * 2];
};

}  // namespace

struct AfPacketSource::Batch {
  Batch(std::size_t packets, std::size_t snap_bytes)
      : snap(snap_bytes), bytes(packets * snap_bytes), from(packets), iov(packets), control(packets), msgs(packets) {}
  std::size_t snap;
  std::vector<std::uint8_t> bytes;  // packet i at i * snap
  std::vector<sockaddr_ll> from;
  std::vector<iovec> iov;
  std::vector<Control> control;
  std::vector<mmsghdr> msgs;
  std::size_t received = 0;  // filled by the last recvmmsg()
  std::size_t next = 0;      // the next one to hand out
};

void AfPacketSource::BatchDeleter::operator()(Batch* batch) const { delete batch; }

void AfPacketSource::enable_batching(std::size_t packets, std::size_t snap) {
  batch_.reset(packets > 1 ? new Batch(packets, snap) : nullptr);
}

std::optional<ReceivedPacket> AfPacketSource::next_batched(std::span<std::uint8_t> buffer) {
  Batch& b = *batch_;
  for (;;) {
    while (b.next < b.received) {
      std::size_t i = b.next++;
      const mmsghdr& m = b.msgs[i];
      if (b.from[i].sll_pkttype == PACKET_OUTGOING || m.msg_len == 0) continue;
      ReceivedPacket packet;
      packet.length = std::min<std::size_t>({m.msg_len, b.snap, buffer.size()});
      std::memcpy(buffer.data(), b.bytes.data() + i * b.snap, packet.length);
      packet.received_at = receive_stamp(const_cast<msghdr&>(m.msg_hdr), WireClock::now());
      return packet;
    }
    for (std::size_t i = 0; i < b.msgs.size(); ++i) {
      b.iov[i] = iovec{b.bytes.data() + i * b.snap, b.snap};
      b.msgs[i] = mmsghdr{};
      msghdr& h = b.msgs[i].msg_hdr;
      h.msg_name = &b.from[i];
      h.msg_namelen = sizeof b.from[i];
      h.msg_iov = &b.iov[i];
      h.msg_iovlen = 1;
      h.msg_control = b.control[i].bytes;
      h.msg_controllen = sizeof b.control[i].bytes;
    }
    b.received = b.next = 0;
    int n = ::recvmmsg(socket_.native_handle(), b.msgs.data(), static_cast<unsigned>(b.msgs.size()), MSG_DONTWAIT,
                       nullptr);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return std::nullopt;
      if (errno == EINTR) continue;
      throw_errno("ConnHandle failed to Read", errno);
    }
    if (n == 0) return std::nullopt;
    b.received = static_cast<std::size_t>(n);
  }
}

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
  if (batch_) batch_->received = batch_->next = 0;  // received under the old program
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
  if (batch_) return next_batched(buffer);
  for (;;) {
    sockaddr_ll from{};
    iovec iov{buffer.data(), buffer.size()};
    Control control{};
    msghdr msg{};
    msg.msg_name = &from;
    msg.msg_namelen = sizeof from;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.bytes;
    msg.msg_controllen = sizeof control.bytes;
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
    packet.received_at = receive_stamp(msg, WireClock::now());
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
  if (batch_ && batch_->next < batch_->received) {
    // Packets of the last batch are still to be read: ready now.
    boost::asio::post(socket_.get_executor(), [handler = std::move(handler)] { handler({}); });
    return;
  }
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
