// macOS only.
#include "platform/darwin/bpf_source.hpp"

#include <sys/event.h>  // kqueue, kevent, EV_SET, EVFILT_READ
#include <time.h>       // timespec

#include <algorithm>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <cerrno>
#include <cstring>

#include "shared/common/error.hpp"

namespace ddtr::platform::darwin {
namespace {

// A kqueue watching `fd` for reads: the way to wait on a BPF device with a
// deadline. bpf.c implements kqueue (filt_bpfread: with BIOCIMMEDIATE, ready
// as soon as one packet is buffered); macOS's poll(2) "does not support
// devices" (its manual, BUGS), and select(2) breaks past FD_SETSIZE descriptors.
// BIOCSRTIMEOUT (upstream's way) would need a blocking fd, but the engine
// reads from its event loop and must never block there. XNU marks a kqueue
// close-on-exec and close-on-fork itself (kern_event.c: FP_CLOEXEC | FP_CLOFORK).
UniqueFd watch_readable(int fd) {
  UniqueFd kq(::kqueue());
  if (!kq.valid()) throw_errno("NewBpfDevice failed to create a kqueue", errno);
  struct kevent change;
  EV_SET(&change, fd, EVFILT_READ, EV_ADD, 0, 0, nullptr);
  if (::kevent(kq.get(), &change, 1, nullptr, 0, nullptr) != 0) {
    throw_errno("NewBpfDevice failed to watch the bpf device", errno);
  }
  return kq;
}

}  // namespace

BpfSource::BpfSource(boost::asio::io_context& io, const std::string& interface)
    : BpfSource(io, open_bpf_device(interface)) {}

BpfSource::BpfSource(boost::asio::io_context& io, BpfDevice device)
    : link_(device.link), batch_(device.buffer_size), kqueue_(watch_readable(device.fd.get())), device_(io) {
  boost::system::error_code ec;
  device_.assign(device.fd.get(), ec);
  if (ec) throw Error(ErrorCode::Unknown, "NewBpfDevice failed to register " + device.path + ": " + ec.message());
  (void)device.fd.release();  // device_ owns it now
}

void BpfSource::set_packet_filter(const PacketFilterSpec& spec) {
  set_bpf_filter(device_.native_handle(), build_bpf_program(spec, link_));
  // What we still hold passed the old filter; the kernel flushed its copy.
  walker_ = BpfRecordWalker();
}

std::optional<ReceivedPacket> BpfSource::take_from_batch(std::span<std::uint8_t> buffer) {
  auto captured = next_ip_packet(walker_, link_);
  if (!captured) {
    if (const char* problem = walker_.problem()) {
      walker_ = BpfRecordWalker();
      // The kernel wrote this buffer; a bad length means our idea of its
      // layout is wrong, which must be loud (upstream: fatal to the run too).
      throw Error(ErrorCode::Unknown, std::string("nextPacket: ") + problem);
    }
    return std::nullopt;
  }
  ReceivedPacket packet;
  packet.length = std::min(captured->ip.ip.size(), buffer.size());
  std::memcpy(buffer.data(), captured->ip.ip.data(), packet.length);
  packet.received_at = bpf_timestamp(captured->record.tstamp_sec, captured->record.tstamp_usec, WireClock::now());
  return packet;
}

bool BpfSource::wait_readable(Deadline deadline) {
  for (;;) {
    auto remaining = std::chrono::duration_cast<std::chrono::nanoseconds>(deadline - std::chrono::steady_clock::now());
    if (remaining.count() <= 0) return false;
    timespec timeout{static_cast<time_t>(remaining.count() / 1'000'000'000),
                     static_cast<long>(remaining.count() % 1'000'000'000)};
    struct kevent event;
    int n = ::kevent(kqueue_.get(), nullptr, 0, &event, 1, &timeout);
    if (n > 0) {
      if ((event.flags & EV_ERROR) != 0) throw_errno("ConnHandle failed to wait", static_cast<int>(event.data));
      return true;
    }
    if (n < 0 && errno != EINTR) throw_errno("ConnHandle failed to wait", errno);
  }
}

std::optional<ReceivedPacket> BpfSource::read(std::span<std::uint8_t> buffer, Deadline deadline) {
  bool tried = false;
  for (;;) {
    if (auto packet = take_from_batch(buffer)) return packet;
    // A stream of frames we skip (ARP, other families) must not hold one
    // read past its deadline (upstream's loop can).
    if (tried && std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    tried = true;
    std::size_t n = read_bpf_batch(device_.native_handle(), batch_);
    if (n > 0) {
      walker_ = BpfRecordWalker(std::span<const std::uint8_t>(batch_.data(), n));
      continue;
    }
    if (!wait_readable(deadline)) return std::nullopt;
  }
}

void BpfSource::async_wait_readable(std::function<void(std::error_code)> handler) {
  // Records already read from the kernel raise no kqueue event: hand them
  // out without waiting for the next packet.
  if (!walker_.exhausted()) {
    boost::asio::post(device_.get_executor(), [handler = std::move(handler), cancelled = cancelled_]() {
      boost::system::error_code ec;
      if (*cancelled) ec = boost::asio::error::operation_aborted;
      handler(static_cast<std::error_code>(ec));
    });
    return;
  }
  device_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                     [handler = std::move(handler)](const boost::system::error_code& ec) {
                       handler(static_cast<std::error_code>(ec));
                     });
}

void BpfSource::cancel() {
  *cancelled_ = true;
  cancelled_ = std::make_shared<bool>(false);
  boost::system::error_code ignored;
  device_.cancel(ignored);
}

}  // namespace ddtr::platform::darwin
